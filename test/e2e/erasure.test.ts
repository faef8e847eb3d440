import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { cast } from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

/**
 * Erasure reaches every reference to a person (PRODUCT.md, rules that never bend); the invariant
 * checker (test/support/invariants.ts) scans the whole table after each scenario.
 */
describe.each(['telegram', 'whatsapp'] as const)('erasure on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const offered = (p: ChatUser) => p.texts().some((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te'));

  it("an assigned volunteer's /forget re-offers the task, tells the elder, relative and mediator, and leaves no trace", async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const c = cast(world);
    const m = await c.mediator('Giulia', 'nord');
    const e = await c.elder({ address: 'Via dei Mille 5' });
    const relative = await c.relativeOf(e);
    const anna = await c.volunteer('Anna', 'Mompiano', m);
    const bruno = await c.volunteer('Bruno', 'Casazza', m);
    const carla = await c.volunteer('Carla', 'Borgo Trento', m);
    const dario = await c.volunteer('Dario', "Sant'Eustacchio", m);
    await c.request(e);
    expect([anna, bruno, carla, dario].map(offered)).toEqual([true, true, true, false]);
    await bruno.press('✅ Ci vado io');
    expect(e.lastText()).toMatch(/Bruno verrà/);
    const brunoId = (await world.personOf(bruno))!.id;

    await c.forget(bruno);
    for (const told of [e, relative]) expect(told.lastText()).toMatch(/Bruno non può più venire/);
    expect(m.texts().join('\n')).toMatch(/Bruno ha lasciato Vicini: la richiesta di Maria \(Farmacia\)/);
    // A new round: the nearest again, Bruno not among them; Dario is now within the best three.
    expect(offered(dario)).toBe(true);
    const [r] = await world.runtime.deps.requests.requestsOf((await world.personOf(e))!.id);
    expect(r).toMatchObject({ state: 'open' });
    expect(JSON.stringify(r)).not.toContain(brunoId);
    await anna.press('✅ Ci vado io');
    expect(e.lastText()).toMatch(/Anna verrà/);
  });

  it("an offered volunteer's /forget takes their offer out of the request; the others still accept", async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const c = cast(world);
    const m = await c.mediator('Giulia', 'nord');
    const e = await c.elder({ address: 'Via dei Mille 5' });
    const anna = await c.volunteer('Anna', 'Mompiano', m);
    const bruno = await c.volunteer('Bruno', 'Casazza', m);
    await c.request(e);
    expect([anna, bruno].map(offered)).toEqual([true, true]);
    await c.forget(bruno);
    const [r] = await world.runtime.deps.requests.requestsOf((await world.personOf(e))!.id);
    expect(Object.keys(r!.offerMsgs ?? {})).toHaveLength(1);
    expect(r!.offeredTo).toHaveLength(1);
    await anna.press('✅ Ci vado io');
    expect(anna.texts().join('\n')).toMatch(/Via dei Mille 5/);
  });
});
