import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { askForHelp, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import type { ChatWorld } from '../support/world.js';

const refused = 'Non puoi usare questo pulsante. Nessuna modifica è stata fatta.';
const slow = 120_000;

/** Every button press is checked against who the presser is and the state it acts on. */
describe.each(['telegram', 'whatsapp'] as const)('authorization on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  /** What a forged press must not change: check-ins and alerts. */
  const state = async () =>
    JSON.stringify((await world.scan()).filter((i) => i.entity === 'checkIn' || i.entity === 'alert'));

  it(
    "a mediator of another zone cannot close an elder's check-in or move her alert",
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const e = await onboardElder(world, { time: 'Alle 09:00' });
      await world.tickAt('2026-11-21T08:00:00Z');
      await world.tickAt('2026-11-21T09:30:00Z');
      expect(giulia.lastText()).toMatch(/Maria.*non ha risposto/s);
      const elderId = (await world.personOf(e))!.id;
      const [alert] = await world.runtime.deps.alerts.openAlerts('nord');
      const before = await state();
      for (const data of [`a:hw:${elderId}`, `a:ak:${alert!.id}`, `a:ar:${alert!.id}`]) {
        const count = sara.texts().filter((t) => t === refused).length;
        await sara.pressForged(/./, data);
        expect(sara.texts().filter((t) => t === refused)).toHaveLength(count + 1);
      }
      expect(await state()).toBe(before);
      // Their own zone's mediator can.
      await giulia.press('🙋 Me ne occupo io');
      expect((await world.runtime.deps.alerts.getAlert(alert!.id))?.state).toBe('acknowledged');
    },
    slow,
  );

  it(
    '"I am worried" after "all well" and the confirmation raises nothing',
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const m = await onboardMediator(world, 'Giulia', 'nord');
      const e = await onboardElder(world, { address: 'Via dei Mille 5' });
      const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: m });
      await askForHelp(e, { note: 'La ricetta è sul tavolo' });
      await anna.press('✅ Ci vado io');
      await anna.press('✅ Fatto');
      await anna.press('😊 Tutto bene');
      await e.press('✅ Sì, fatto');
      const alerts = () => world.runtime.deps.alerts.openAlerts('nord');
      expect(await alerts()).toEqual([]);
      const [r] = await world.runtime.deps.requests.requestsOf((await world.personOf(e))!.id);
      await anna.pressForged(/./, `a:ww:${r!.id}`);
      expect(anna.texts()).toContain('Ci hai già detto come stava. Grazie! 💛');
      expect(await alerts()).toEqual([]);
    },
    slow,
  );
});
