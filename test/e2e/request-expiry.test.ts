import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { askForHelp, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

const day = 86400_000;
const start = '2026-11-21T09:00:00Z';
const at = (days: number, ms = 0) => new Date(Date.parse(start) + days * day + ms);
/** The request is made a few virtual minutes after `start` (onboarding's messages are paced): tick past that. */
const past = 15 * 60_000;

/** Requests someone took never outlive their retention period by much: assigned ones end, done ones close. */
describe.each(['telegram', 'whatsapp'] as const)('retention of requests someone took, on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const request = async () => (await world.scan()).find((i) => i.entity === 'request')!;

  async function taken() {
    world = await startWorld(channel, { at: start });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
    await askForHelp(maria);
    await anna.press('✅ Ci vado io');
    return { giulia, maria, anna };
  }

  /** They wrote that morning (a WhatsApp window open), then the tick runs. */
  async function tickAfterWriting(people: ChatUser[], when: Date) {
    world.clock.current = new Date(when.getTime() - 3600_000);
    for (const p of people) await p.send('/help');
    await world.tickAt(when);
  }

  it('assigned and never done: looked at again one period later, then ended, the volunteer and the mediator told', async () => {
    const { giulia, anna } = await taken();
    await tickAfterWriting([giulia, anna], at(30, past));
    expect(await request()).toMatchObject({ state: 'assigned' });
    expect((await request()).ttl).toBeUndefined();

    await tickAfterWriting([giulia, anna], at(60, past));
    const ended = await request();
    expect(ended).toMatchObject({ state: 'cancelled' });
    expect(ended.ttl).toBe(Math.floor(world.clock.now().getTime() / 1000) + 30 * 86400);
    const told = [
      'La richiesta per Maria (Farmacia), fatta sabato 21 novembre, era affidata a una persona volontaria ma non è mai stata completata: ora è chiusa.',
    ];
    expect(giulia.texts().filter((t) => t.includes('mai stata completata'))).toEqual(told);
    expect(anna.texts().filter((t) => t.includes('che avevi accettato è stata annullata'))).toHaveLength(1);

    // The timer fires once: a later tick tells no one again.
    await world.tickAt(at(60, past + 60_000));
    expect(giulia.texts().filter((t) => t.includes('mai stata completata'))).toEqual(told);
  }, 200_000);

  it('done but never confirmed: closed at the end of the period, quietly', async () => {
    const { giulia, anna } = await taken();
    await anna.press('✅ Fatto');
    expect(await request()).toMatchObject({ state: 'done' });
    const before = giulia.texts().length;
    await world.tickAt(at(30, past));
    const closed = await request();
    expect(closed).toMatchObject({ state: 'closed' });
    expect(closed.ttl).toBe(Math.floor(at(30, past).getTime() / 1000) + 30 * 86400);
    expect(giulia.texts().length).toBe(before);
  }, 200_000);
});
