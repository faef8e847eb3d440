import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { linkRelative, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

/**
 * Every assigned task has a contact, on both channels: a request needing a
 * visit asks for the address the elder never gave (skippable), and the
 * volunteer always gets a phone to call, saying whose it is.
 */
describe.each(['telegram', 'whatsapp'] as const)('a task a volunteer can fulfil, on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const mediator = (name: string, phone: string) =>
    onboardMediator(world, name, 'nord', { phone: { type: phone } });
  /** An elder who gave neither address nor phone. */
  const elder = () => onboardElder(world, { phone: 'skip' });
  const relativeOf = (e: ChatUser, phone: string) => linkRelative(world, e, { phone: { type: phone } });
  const volunteer = (name: string, approver: ChatUser) =>
    onboardVolunteer(world, name, 'Mompiano', { tasks: ['⬜ Farmacia'], approvedBy: approver });

  it("no address and no phone: the address is asked (skipped), the volunteer gets the relative's phone", async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const m = await mediator('Giulia', '030 123 4567');
    const e = await elder();
    await relativeOf(e, '+39 333 111 2222');
    const v = await volunteer('Bruno', m);
    await e.press('🙋 Chiedi un volontario');
    await e.press('Farmacia');
    expect(e.lastText()).toMatch(/Dove deve venire il volontario/);
    await e.press('Salta');
    await e.press('Oggi');
    await e.press('Salta');
    await e.press('No');
    await v.press('✅ Ci vado io');
    expect(v.texts().join('\n')).toMatch(/Telefono: \+393331112222 \(Luca, familiare di Maria\)/);
  });

  it("the address typed for the request reaches the volunteer; with no relative, the mediator's phone", async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const m = await mediator('Giulia', '030 123 4567');
    const e = await elder();
    const v = await volunteer('Bruno', m);
    await e.press('🙋 Chiedi un volontario');
    await e.press('Farmacia');
    await e.send('12');
    expect(e.texts().slice(-2).join('\n')).toMatch(/Non riesco a leggere l'indirizzo/);
    await e.send('Via dei Mille 5');
    await e.press('Oggi');
    await e.press('Salta');
    await e.press('No');
    await v.press('✅ Ci vado io');
    expect(v.texts().join('\n')).toMatch(/Indirizzo: Via dei Mille 5\nTelefono: \S+ \(Giulia, mediazione/);
    const stored = await world.personOf(e);
    expect((await world.store.getPrivate(stored!.id)).address).toBe('Via dei Mille 5');
    // Next time it is not asked again.
    await e.send('/request');
    await e.press('Spesa');
    expect(e.lastText()).toMatch(/Per quando/);
  });
});
