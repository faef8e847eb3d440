/**
 * Fault injection on the turns that end a conversation: the last answer of onboarding
 * (an elder with a daily question, a volunteer up for review) and an elder's "No" to a
 * relative's link. One DynamoDB call fails, for each call the turn (and the delivery after
 * it) makes, then Telegram retries the update: one effect, one reply sequence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inviteRelative, joinAsRelative, onboardElder, onboardMediator } from '../support/cast.js';
import { ui } from '../support/labels.js';
import { withFaultAt } from '../support/faults.js';
import { World, type Person } from '../support/world.js';

let world: World;

afterEach(async () => {
  world.faults.failAt(0);
  expect(world.refusedAfterFaults()).toEqual([]);
  await world.close();
});

const t = ui.it;
const count = (p: Person, prefix: string) => p.texts().filter((x) => x.startsWith(prefix)).length;

describe('the end of a conversation, with a DynamoDB call failing', () => {
  it('an elder agrees, last step of onboarding: onboarded once, one "thank you", one question the next morning — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T15:00:00Z' });
    /** A new elder answers everything; her "I agree" goes with call `n` failing. */
    const join = async (n: number) => {
      const name = `Anna${n}`;
      const e = world.user(name, 'it');
      await e.send('/start');
      await e.press(t.language);
      await e.press(t.elder);
      await e.press(new RegExp(name));
      await e.press(t.zoneNord);
      await e.press('Mompiano');
      await e.send('Via dei Mille 5');
      await e.press(t.skip);
      await e.press('Alle 09:00');
      const { message, data } = e.findButton(t.agree);
      const { tries, calls } = await withFaultAt(
        world,
        n,
        world.api.userPresses(e.tg, e.chatId, message.message_id, data),
      );
      const stored = await world.personOf(e);
      return { e, tries, calls, onboarded: !!stored?.onboardedAt, thanks: count(e, `Grazie, ${name}!`) };
    };
    const clean = await join(0);
    expect(clean).toMatchObject({ tries: 1, onboarded: true, thanks: 1 });
    const elders = [clean.e];
    for (let n = 1; n <= clean.calls; n++) {
      const got = await join(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.onboarded, at).toBe(true);
      expect(got.thanks, at).toBeGreaterThanOrEqual(1);
      // The delivery log's one at-least-once window may repeat it once.
      expect(got.thanks, at).toBeLessThanOrEqual(2);
      elders.push(got.e);
    }
    // Every elder's first daily question comes once, whichever call failed when she agreed.
    await world.tickAt('2026-11-22T08:00:00Z');
    for (const e of elders) expect(count(e, 'Buongiorno'), e.name).toBe(1);
  }, 900_000);

  it('a volunteer agrees, last step of onboarding: one review card for the mediator — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const cards = (name: string) => giulia.texts().filter((x) => x.includes(name)).length;
    const join = async (n: number) => {
      const name = `Vol${n}`;
      const v = world.user(name, 'it');
      await v.send('/start');
      await v.press(t.language);
      await v.press(t.volunteer);
      await v.press(new RegExp(name));
      await v.press(t.zoneNord);
      await v.press('Mompiano');
      await v.press('5 km');
      await v.press('⬜ Farmacia');
      await v.press(t.done);
      await v.press('Tutti i giorni');
      await v.press('⬜ Mattina');
      await v.press(t.done);
      await v.press('⬜ Italiano');
      await v.press(t.done);
      await v.press(t.skip);
      const { message, data } = v.findButton(t.agree);
      const { tries, calls } = await withFaultAt(
        world,
        n,
        world.api.userPresses(v.tg, v.chatId, message.message_id, data),
      );
      const stored = await world.personOf(v);
      return {
        tries,
        calls,
        status: stored?.volunteer?.status,
        cards: cards(name),
        thanks: count(v, `Grazie, ${name}!`),
      };
    };
    const clean = await join(0);
    expect(clean).toMatchObject({ tries: 1, status: 'pending', cards: 1, thanks: 1 });
    for (let n = 1; n <= clean.calls; n++) {
      const got = await join(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.status, at).toBe('pending');
      for (const k of ['cards', 'thanks'] as const) {
        expect(got[k], `${k}, ${at}`).toBeGreaterThanOrEqual(1);
        expect(got[k], `${k}, ${at}`).toBeLessThanOrEqual(2);
      }
    }
  }, 900_000);

  it('the elder says a relative is not family: not linked, the relative told once — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await onboardElder(world, { address: 'Via dei Mille 5', phone: { type: '333 765 4321' } });
    const mariaId = (await world.personOf(maria))!.id;
    const decline = async (n: number) => {
      const relative = await joinAsRelative(world, await inviteRelative(maria), { name: `Luca${n}` });
      const { message, data } = maria.findButton('❌ No, non è di famiglia');
      const { tries, calls } = await withFaultAt(
        world,
        n,
        world.api.userPresses(maria.tg, maria.chatId, message.message_id, data),
      );
      const relativeId = (await world.personOf(relative))!.id;
      const link = await world.store.getLink(mariaId, relativeId);
      return {
        tries,
        calls,
        status: link?.status ?? 'none',
        told: count(relative, 'Maria non ha confermato il collegamento'),
        elderTold: count(maria, `Va bene, non ho collegato Luca${n}`),
      };
    };
    const clean = await decline(0);
    expect(clean).toMatchObject({ tries: 1, told: 1, elderTold: 1 });
    expect(clean.status).not.toBe('confirmed');
    for (let n = 1; n <= clean.calls; n++) {
      const got = await decline(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.status, at).toBe(clean.status);
      expect(got.told, at).toBeGreaterThanOrEqual(1);
      expect(got.told, at).toBeLessThanOrEqual(2);
      expect(got.elderTold, at).toBeGreaterThanOrEqual(1);
    }
  }, 900_000);
});
