import { expect } from 'vitest';
import type { ChatUser, ChatWorld } from './world.js';

/** The people of a scenario, onboarded by their buttons on any channel (Italian labels). */
export function cast(world: ChatWorld) {
  const invitePayload = (text: string) => /start(?:=|%20)(r\w+)/.exec(text)?.[1];

  async function mediator(name: string, zone: string): Promise<ChatUser> {
    const m = world.user(name, 'it');
    await m.send(`/start ${await world.mediatorInvite(zone)}`);
    await m.press('Italiano');
    await m.press(new RegExp(name));
    await m.press('Salta');
    await m.press("✅ Sono d'accordo");
    return m;
  }

  async function elder(options: { name?: string; address?: string; time?: string } = {}): Promise<ChatUser> {
    const name = options.name ?? 'Maria';
    const e = world.user(name, 'it');
    await e.send('/start');
    await e.press('Italiano');
    await e.press('Mi serve aiuto per me');
    await e.press(new RegExp(name));
    await e.press('Zona Nord');
    await e.press('Mompiano');
    if (options.address) await e.send(options.address);
    else await e.press('Salta');
    await e.shareContact('+39 333 765 4321');
    await e.press(options.time ?? 'Non voglio la domanda quotidiana');
    await e.press("✅ Sono d'accordo");
    return e;
  }

  async function relativeOf(e: ChatUser, name = 'Luca'): Promise<ChatUser> {
    await e.press('👪 Invita un familiare');
    const payload = invitePayload(e.lastText());
    expect(payload).toBeDefined();
    const relative = world.user(name, 'it');
    await relative.send(`/start ${payload}`);
    await relative.press('Italiano');
    await relative.press(new RegExp(name));
    await relative.press('Salta');
    await relative.press("✅ Sono d'accordo");
    await e.press('✅ Sì, è un mio familiare');
    return relative;
  }

  async function volunteer(
    name: string,
    hood: string,
    approver: ChatUser,
    zone = 'Zona Nord',
  ): Promise<ChatUser> {
    const v = world.user(name, 'it');
    await v.send('/start');
    await v.press('Italiano');
    await v.press('Voglio fare volontariato');
    await v.press(new RegExp(name));
    await v.press(zone);
    await v.press(hood);
    await v.press('5 km');
    await v.press('⬜ Farmacia');
    await v.press('⬜ Spesa');
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

  /** The elder asks for a pharmacy run today, with a note. */
  async function request(e: ChatUser, note = 'La ricetta è sul tavolo'): Promise<void> {
    await e.press('🙋 Chiedi un volontario');
    await e.press('Farmacia');
    await e.press('Oggi');
    await e.send(note);
    await e.press('No');
  }

  async function forget(p: ChatUser): Promise<void> {
    await p.send('/forget');
    await p.press('Sì, cancella');
    await p.press('🗑️ Cancella tutto');
  }

  return { mediator, elder, relativeOf, volunteer, request, forget };
}
