/**
 * A mediator's Send with one DynamoDB call failing, for each call the turn and
 * its delivery make, then Telegram's retry delivers the press again: one
 * broadcast, one copy to each recipient, one report that adds up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { onboardMediator, onboardVolunteer } from '../support/cast.js';
import { deliverUntilAccepted as deliver } from '../support/faults.js';
import { World, type Person } from '../support/world.js';

let world: World;

afterEach(async () => {
  world.faults.failAt(0);
  expect(world.refusedAfterFaults()).toEqual([]);
  await world.close();
});

const copies = (p: Person, text: string) =>
  p.texts().filter((t) => t.startsWith('📣 Zona Nord · un messaggio da Giulia') && t.endsWith(text)).length;

describe('a DynamoDB call fails while a broadcast is sent, then Telegram retries', () => {
  it('one broadcast, one copy each, one report — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
    const pia = await onboardVolunteer(world, 'Pia', 'Casazza', { approvedBy: giulia });
    const broadcasts = async () => (await world.scan()).filter((i) => i.entity === 'broadcast').length;
    const reports = () => giulia.texts().filter((t) => t.startsWith('📣 Resoconto del messaggio'));

    /** A broadcast to the volunteers, its Send delivered with DynamoDB call `n` failing (0: none). */
    const sendWithFault = async (n: number) => {
      const text = `Messaggio numero ${n}.`;
      await giulia.send('/broadcast');
      await giulia.press('🙋 Volontari');
      await giulia.send(text);
      const { message, data } = giulia.findButton('📣 Invia');
      const before = { broadcasts: await broadcasts(), reports: reports().length };
      world.faults.failAt(n);
      const tries = await deliver(
        world,
        world.api.userPresses(giulia.tg, giulia.chatId, message.message_id, data),
      );
      const calls = world.faults.seen;
      world.faults.failAt(0);
      return {
        tries,
        calls,
        broadcasts: (await broadcasts()) - before.broadcasts,
        copies: [copies(vito, text), copies(pia, text)],
        reports: reports().slice(before.reports),
      };
    };

    const clean = await sendWithFault(0);
    expect(clean).toMatchObject({ tries: 1, broadcasts: 1, copies: [1, 1] });
    expect(clean.reports).toHaveLength(1);
    expect(clean.reports[0]).toMatch(/Consegnati: 2\nIn attesa su WhatsApp: 0\nNon consegnati: 0\n/);
    for (let n = 1; n <= clean.calls; n++) {
      const got = await sendWithFault(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.broadcasts, at).toBe(1);
      // One each; the delivery log's one at-least-once window may repeat a message once.
      for (const c of got.copies) {
        expect(c, at).toBeGreaterThanOrEqual(1);
        expect(c, at).toBeLessThanOrEqual(2);
      }
      expect(got.reports.length, at).toBeGreaterThanOrEqual(1);
      expect(got.reports.length, at).toBeLessThanOrEqual(2);
      // Each copy counted once, however often its outcome was reported.
      for (const r of got.reports)
        expect(r, at).toMatch(/Consegnati: 2\nIn attesa su WhatsApp: 0\nNon consegnati: 0\n/);
    }
  }, 900_000);
});
