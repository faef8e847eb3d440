import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
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

  async function mediator(name: string, phone?: string): Promise<ChatUser> {
    const m = world.user(name, 'it');
    await m.send(`/start ${await world.mediatorInvite('nord')}`);
    await m.press('Italiano');
    await m.press(new RegExp(name));
    if (phone) await m.send(phone);
    else await m.press('Salta');
    await m.press("✅ Sono d'accordo");
    return m;
  }

  /** An elder who gave neither address nor phone. */
  async function elder(): Promise<ChatUser> {
    const e = world.user('Maria', 'it');
    await e.send('/start');
    await e.press('Italiano');
    await e.press('Mi serve aiuto per me');
    await e.press(/Maria/);
    await e.press('Zona Nord');
    await e.press('Mompiano');
    await e.press('Salta');
    await e.press('Salta');
    await e.press('Non voglio la domanda quotidiana');
    await e.press("✅ Sono d'accordo");
    return e;
  }

  async function relativeOf(e: ChatUser, phone: string): Promise<ChatUser> {
    await e.press('👪 Invita un familiare');
    const payload = /start(?:=|%20)(r\w+)/.exec(e.lastText())![1]!;
    const relative = world.user('Luca', 'it');
    await relative.send(`/start ${payload}`);
    await relative.press('Italiano');
    await relative.press(/Luca/);
    await relative.send(phone);
    await relative.press("✅ Sono d'accordo");
    await e.press('✅ Sì, è un mio familiare');
    return relative;
  }

  async function volunteer(name: string, approver: ChatUser): Promise<ChatUser> {
    const v = world.user(name, 'it');
    await v.send('/start');
    await v.press('Italiano');
    await v.press('Voglio fare volontariato');
    await v.press(new RegExp(name));
    await v.press('Zona Nord');
    await v.press('Mompiano');
    await v.press('5 km');
    await v.press('⬜ Farmacia');
    await v.press('✅ Fatto');
    await v.press('Tutti i giorni');
    for (const part of ['⬜ Mattina', '⬜ Pomeriggio', '⬜ Sera']) await v.press(part);
    await v.press('✅ Fatto');
    await v.press('⬜ Italiano');
    await v.press('✅ Fatto');
    await v.press('Salta');
    await v.press("✅ Sono d'accordo");
    await approver.press('✅ Approva');
    return v;
  }

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
