import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { askForHelp, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import { ui } from '../support/labels.js';
import type { ChatWorld } from '../support/world.js';

const day = 86400_000;
const start = '2026-11-21T09:00:00Z';

/**
 * Retention (PRODUCT.md): open requests nobody takes end with the retention period, the
 * mediator told; people who never finish onboarding are gone after 30 days. The invariant
 * checker (test/support/invariants.ts) then finds a TTL on everything that must have one.
 */
describe.each(['telegram', 'whatsapp'] as const)('retention on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const requests = async () => (await world.scan()).filter((i) => i.entity === 'request');

  it('an open request nobody takes is cancelled after the retention period, and the mediator is told', async () => {
    world = await startWorld(channel, { at: start });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await onboardElder(world, { address: 'Via dei Mille 5' });
    await askForHelp(e);
    const [open] = await requests();
    expect(open).toMatchObject({ state: 'open' });
    expect(open!.ttl).toBeUndefined();

    // A day before the end nothing happens.
    await world.tickAt(new Date(Date.parse(start) + 29 * day));
    expect((await requests())[0]).toMatchObject({ state: 'open' });

    // The mediator wrote that morning (a WhatsApp window open), then the period ends.
    world.clock.current = new Date(Date.parse(start) + 30 * day - 3600_000);
    await m.send('/help');
    await world.tickAt(new Date(Date.parse(start) + 30 * day + 60_000));
    expect(m.texts().filter((t) => t.includes('non ha trovato volontari'))).toEqual([
      'La richiesta per Maria (Farmacia), fatta sabato 21 novembre, non ha trovato volontari: ora è chiusa.',
    ]);
    const [closed] = await requests();
    expect(closed).toMatchObject({ state: 'cancelled' });
    const now = world.clock.now().getTime() / 1000;
    expect(closed!.ttl).toBe(Math.floor(now) + 30 * 86400);

    // The timer fires once: another tick tells no one again.
    const told = m.texts().length;
    await world.tickAt(new Date(Date.parse(start) + 30 * day + 120_000));
    expect(m.texts().length).toBe(told);
  });

  it('someone who never finishes onboarding is gone after 30 days and starts afresh', async () => {
    world = await startWorld(channel, { at: start });
    const s = world.user('Sara');
    await s.send('/start');
    await s.press(ui.it.language);
    const first = await world.personOf(s);
    expect(first?.onboardedAt).toBeUndefined();

    world.clock.current = new Date(Date.parse(start) + 29 * day);
    expect((await world.personOf(s))?.id).toBe(first!.id);

    world.clock.current = new Date(Date.parse(start) + 30 * day);
    expect(await world.personOf(s)).toBeNull();
    await s.send('ciao');
    const again = await world.personOf(s);
    expect(again?.id).not.toBe(first!.id);
    expect(s.lastText()).toMatch(/lingua/i);
  });
});

describe('retention leaves assigned requests alone', () => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it('an assigned request is not cancelled when its retention period ends', async () => {
    world = await startWorld('telegram', { at: start });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await onboardElder(world, { address: 'Via dei Mille 5' });
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: m });
    await askForHelp(e);
    await anna.press('✅ Ci vado io');
    await world.tickAt(new Date(Date.parse(start) + 30 * day + 60_000));
    const [r] = (await world.scan()).filter((i) => i.entity === 'request');
    expect(r).toMatchObject({ state: 'assigned' });
    expect(m.texts().some((t) => t.includes('non ha trovato volontari'))).toBe(false);
  });
});
