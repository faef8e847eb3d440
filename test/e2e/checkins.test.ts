import { afterEach, describe, expect, it } from 'vitest';
import { linkRelative, onboardElder, onboardMediator } from '../support/cast.js';
import { World, type Person } from '../support/world.js';

let world: World;
afterEach(async () => {
  expect(world.refusedCalls()).toEqual([]);
  await world.close();
});

async function elderWithRelative(time = 'Alle 09:00'): Promise<{ elder: Person; relative: Person }> {
  const elder = await onboardElder(world, { time });
  return { elder, relative: await linkRelative(world, elder) };
}

const prompts = (p: Person) => p.texts().filter((t) => t.startsWith('Buongiorno, Maria!')).length;

describe('daily check-in', () => {
  it('prompts at 09:00 local on the days around the March DST change', async () => {
    world = await World.start({ at: '2026-03-27T10:00:00Z' });
    const { elder } = await elderWithRelative();
    await world.tickAt('2026-03-28T07:59:00Z');
    expect(prompts(elder)).toBe(0);
    await world.tickAt('2026-03-28T08:00:00Z'); // Saturday, CET: 09:00 = 08:00Z
    expect(prompts(elder)).toBe(1);
    await elder.press('😊 Sto bene');
    await world.tickAt('2026-03-29T06:59:00Z');
    expect(prompts(elder)).toBe(1);
    await world.tickAt('2026-03-29T07:00:00Z'); // Sunday, CEST from 02:00: 09:00 = 07:00Z
    expect(prompts(elder)).toBe(2);
    await world.tickAt('2026-03-30T07:00:00Z');
    expect(prompts(elder)).toBe(3);
  });

  it('prompts at 09:00 local on the days around the October DST change', async () => {
    world = await World.start({ at: '2026-10-23T10:00:00Z' });
    const { elder } = await elderWithRelative();
    await world.tickAt('2026-10-24T07:00:00Z'); // Saturday, CEST
    await world.tickAt('2026-10-25T07:00:00Z'); // Sunday, now CET: not yet
    expect(prompts(elder)).toBe(1);
    await world.tickAt('2026-10-25T08:00:00Z');
    expect(prompts(elder)).toBe(2);
    await world.tickAt('2026-10-26T08:00:00Z');
    expect(prompts(elder)).toBe(3);
  });

  it('climbs the ladder at the configured offsets; "I\'m fine" after the mediator was alerted tells everyone', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const other = await onboardMediator(world, 'Sara', 'sud');
    const { elder, relative } = await elderWithRelative();
    const base = '2026-11-21T08:00:00Z'; // 09:00 in Rome
    await world.tickAt(base);
    expect(prompts(elder)).toBe(1);
    await world.tickAt('2026-11-21T08:29:00Z');
    expect(elder.lastText()).toMatch(/^Buongiorno/);
    await world.tickAt('2026-11-21T08:30:00Z');
    expect(elder.lastText()).toMatch(/sono ancora io/);
    const relativeBefore = relative.messages().length;
    await world.tickAt('2026-11-21T08:59:00Z');
    expect(relative.messages().length).toBe(relativeBefore);
    await world.tickAt('2026-11-21T09:00:00Z');
    expect(relative.lastText()).toMatch(/Maria non ha ancora risposto.*\+393337654321/s);
    await world.tickAt('2026-11-21T09:30:00Z');
    expect(zone.lastText()).toMatch(/Maria.*Mompiano.*non ha risposto/s);
    expect(other.lastText()).not.toMatch(/Maria/);
    await world.tickAt('2026-11-21T10:00:00Z'); // 30 min unacknowledged: every mediator
    expect(other.lastText()).toMatch(/nessuno ha ancora preso in carico/);

    await elder.press('😊 Sto bene');
    for (const told of [relative, zone, other])
      expect(told.lastText()).toBe('✅ Maria ha risposto: sta bene.');
    const alerts = await world.runtime.deps.alerts.openAlerts('nord');
    expect(alerts).toEqual([]);
    // Nothing more climbs or re-notifies.
    const counts = [elder, relative, zone, other].map((p) => p.messages().length);
    await world.tickAt('2026-11-21T11:00:00Z');
    expect([elder, relative, zone, other].map((p) => p.messages().length)).toEqual(counts);
  });

  it('acknowledgement stops re-notification; "Reached: all well" closes the check-in for the relatives', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const other = await onboardMediator(world, 'Sara', 'sud');
    const { elder, relative } = await elderWithRelative();
    for (const at of ['08:00', '08:30', '09:00', '09:30']) await world.tickAt(`2026-11-21T${at}:00Z`);
    await zone.press('🙋 Me ne occupo io');
    expect(zone.lastText()).toMatch(/Te ne occupi tu/);
    const otherCount = other.messages().length;
    await world.tickAt('2026-11-21T10:00:00Z');
    await world.tickAt('2026-11-21T10:30:00Z');
    expect(other.messages().length).toBe(otherCount);
    await zone.send('/alerts');
    expect(zone.texts().at(-1)).toMatch(/Te ne occupi tu: avviso su Maria/);
    await zone.press('✅ Ho verificato: tutto bene');
    expect(relative.lastText()).toBe('✅ Giulia ha sentito Maria: va tutto bene.');
    const checkIn = await world.runtime.deps.checkIns.latestCheckIn(
      (await world.store.findPersonByChannel({ channel: 'telegram', id: String(elder.chatId) }))!.id,
    );
    expect(checkIn).toMatchObject({ state: 'heard' });
  });

  it('a relative records "heard from them, all well"; "I need help" alerts at once', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const { elder, relative } = await elderWithRelative();
    for (const at of ['08:00', '08:30', '09:00']) await world.tickAt(`2026-11-21T${at}:00Z`);
    await relative.press('✅ Ci ho parlato: sta bene');
    expect(relative.lastText()).toMatch(/Ho segnato che Maria sta bene/);
    await world.tickAt('2026-11-21T09:30:00Z');
    expect(zone.texts().join('\n')).not.toMatch(/non ha risposto/);

    await elder.send('🆘 Ho bisogno di aiuto');
    expect(elder.lastText()).toMatch(/Ho avvisato le persone che ti seguono/);
    expect(relative.lastText()).toMatch(/Maria ha chiesto aiuto.*Mompiano/);
    expect(zone.lastText()).toMatch(/Maria.*Ho bisogno di aiuto/s);
  });

  it('a pause skips the days it covers and resumes by itself; the time can be changed by a relative', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const { elder, relative } = await elderWithRelative();
    await elder.send('/pause');
    await elder.press('Da domani');
    await elder.press('3 giorni');
    expect(elder.lastText()).toBe('Fatto, ho salvato. ✅');
    for (const day of ['21', '22', '23']) await world.tickAt(`2026-11-${day}T08:00:00Z`);
    expect(prompts(elder)).toBe(0);
    await world.tickAt('2026-11-24T08:00:00Z');
    expect(prompts(elder)).toBe(1);

    await relative.send('/elders');
    expect(relative.lastText()).toMatch(/Maria[\s\S]*Oggi: in attesa di risposta/);
    await relative.press('⚙️ Domanda quotidiana');
    await relative.press('Cambia ora della domanda');
    await relative.press('Alle 10:30');
    expect(relative.lastText()).toMatch(/ho aggiornato la domanda quotidiana di Maria/);
    expect(elder.lastText()).toMatch(/Luca ha cambiato la tua domanda quotidiana: alle 10:30/);
    await world.tickAt('2026-11-25T08:00:00Z');
    expect(prompts(elder)).toBe(1);
    await world.tickAt('2026-11-25T09:30:00Z');
    expect(prompts(elder)).toBe(2);
  });

  it('holds the reminder through quiet hours', async () => {
    world = await World.start({
      at: '2026-11-20T10:00:00Z',
      network: { quietHours: { start: '12:15', end: '13:00' } },
    });
    const { elder } = await elderWithRelative('Alle 12:00');
    await world.tickAt('2026-11-21T11:00:00Z'); // 12:00 local
    expect(prompts(elder)).toBe(1);
    await world.tickAt('2026-11-21T11:30:00Z'); // 12:30 local: quiet
    expect(elder.lastText()).toMatch(/^Buongiorno/);
    await world.tickAt('2026-11-21T12:00:00Z'); // 13:00 local: quiet hours over
    expect(elder.lastText()).toMatch(/sono ancora io/);
  });
});
