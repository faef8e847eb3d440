import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import {
  askForHelp,
  draftRequest,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
} from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

const refused = 'Non puoi usare questo pulsante. Nessuna modifica è stata fatta.';
const address = /Via dei Mille 5/;
const slow = 150_000;

/**
 * A mediator's pick from "Assign a volunteer" asks the volunteer first, as an offer of her own;
 * the elder's details come only with her yes.
 */
describe.each(['telegram', 'whatsapp'] as const)('assignment by hand on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  /**
   * Maria's request finds nobody (no volunteer yet), so Giulia gets the unassigned card; then Anna,
   * Bruno and Carla join and are approved. Urgent when told.
   */
  async function unassigned(at = '2026-11-21T09:00:00Z', urgent = false) {
    world = await startWorld(channel, { at });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
    if (urgent) {
      await draftRequest(maria);
      await maria.press('⚠️ Sì, è urgente');
    } else await askForHelp(maria);
    expect(giulia.texts().some((t) => /Nessun volontario ha accettato/.test(t))).toBe(true);
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
    const bruno = await onboardVolunteer(world, 'Bruno', 'Mompiano', { approvedBy: giulia });
    const carla = await onboardVolunteer(world, 'Carla', 'Mompiano', { approvedBy: giulia });
    const [r] = await world.runtime.deps.requests.requestsOf((await world.personOf(maria))!.id);
    const giuliaId = (await world.personOf(giulia))!.id;
    return { giulia, maria, anna, bruno, carla, requestId: r!.id, giuliaId };
  }

  const request = (id: string) => world.runtime.deps.requests.getRequest(id);
  const count = (p: ChatUser, re: RegExp) => p.texts().filter((t) => re.test(t)).length;

  it(
    'asked, she says yes: then the card; a second press and a forged one change nothing',
    async () => {
      const { giulia, maria, anna, carla, requestId, giuliaId } = await unassigned();
      await giulia.press('👥 Assegna un volontario');
      await giulia.press(/^Anna/);
      expect(giulia.lastText()).toBe('📨 Ho chiesto a Anna se può andare. Aspetto la risposta e ti scrivo.');
      expect(anna.lastText()).toMatch(
        /^🙋 Giulia ti chiede se puoi aiutare: \*?Farmacia\*?, oggi\.\nQuartiere: Mompiano \(circa 0,5 km\)\.\nPuoi andare\?$/,
      );
      expect(anna.texts().join('\n')).not.toMatch(address);
      const asked = await request(requestId);
      expect(asked?.state).toBe('open');
      expect(asked?.offeredTo).toContain((await world.personOf(anna))!.id);

      // Carla was not asked: her forged yes is refused and changes nothing.
      await carla.send('/profile');
      await carla.pressForged(/./, `a:hy:${requestId}.${giuliaId}`);
      expect(carla.lastText()).toBe(refused);
      expect(JSON.stringify(await request(requestId))).toBe(JSON.stringify(asked));

      await anna.press('✅ Ci vado io');
      expect(anna.texts().join('\n')).toMatch(/Per: Maria\nIndirizzo: Via dei Mille 5/);
      expect(giulia.lastText()).toBe('✅ Anna ha detto di sì: andrà da Maria (Farmacia, oggi).');
      expect(maria.lastText()).toMatch(/Anna verrà/);
      const assigned = await request(requestId);
      expect(assigned?.assignedTo).toBe((await world.personOf(anna))!.id);

      // Her second press: the request stays hers, no second card, Giulia hears it once.
      await anna.pressForged(/./, `a:hy:${requestId}.${giuliaId}`);
      expect(count(anna, address)).toBe(1);
      expect(count(giulia, /ha detto di sì/)).toBe(1);
      expect(count(anna, /già presa qualcun altro/)).toBe(0);
      expect((await request(requestId))?.assignedTo).toBe(assigned?.assignedTo);
      expect(carla.texts().join('\n')).not.toMatch(/Maria|Via dei Mille/);
    },
    slow,
  );

  it(
    '"Not this time": the mediator is told and asks someone else',
    async () => {
      const { giulia, anna, bruno, requestId, giuliaId } = await unassigned();
      await giulia.press('👥 Assegna un volontario');
      await giulia.press(/^Anna/);
      await anna.press('Non questa volta');
      expect(anna.lastText()).toBe('Va bene, grazie lo stesso. Lo dico io a Giulia.');
      expect(giulia.lastText()).toBe(
        "Anna questa volta non può andare da Maria (Farmacia). Puoi chiedere a un'altra persona:",
      );
      const annaId = (await world.personOf(anna))!.id;
      const declined = await request(requestId);
      expect(declined?.state).toBe('open');
      expect(declined?.excluded).toEqual([annaId]);
      // A second "Not this time" tells Giulia nothing new.
      await anna.send('/profile');
      await anna.pressForged(/./, `a:hn:${requestId}.${giuliaId}`);
      expect(count(giulia, /questa volta non può/)).toBe(1);
      // No new round of offers: the request stays with the mediator.
      expect((await request(requestId))?.wave).toBe(declined?.wave);
      // Anna said no: she cannot be picked again, not even with a forged button.
      await giulia.pressForged(/./, `a:rh:${requestId}.${annaId}`);
      expect(giulia.lastText()).toBe(refused);

      // The notice carries the button: Giulia picks Bruno, who says yes.
      await giulia.press('👥 Assegna un volontario');
      await giulia.press(/^Bruno/);
      expect(giulia.lastText()).toBe('📨 Ho chiesto a Bruno se può andare. Aspetto la risposta e ti scrivo.');
      await bruno.press('✅ Ci vado io');
      expect(bruno.texts().join('\n')).toMatch(address);
      expect(anna.texts().join('\n')).not.toMatch(/Maria|Via dei Mille/);
      expect((await request(requestId))?.assignedTo).toBe((await world.personOf(bruno))!.id);
    },
    slow,
  );

  it(
    'at 22:00 the question waits for the morning',
    async () => {
      const { giulia, anna } = await unassigned();
      // Giulia takes the alert (no escalations through the night), and keeps it until 22:00 in Rome.
      await giulia.press('🙋 Me ne occupo io');
      world.clock.current = new Date('2026-11-21T21:00:00Z');
      await giulia.press('👥 Assegna un volontario');
      await giulia.press(/^Anna/);
      expect(giulia.lastText()).toBe(
        "🌙 Ho chiesto a Anna se può andare: a quest'ora la domanda arriverà domattina. Ti scrivo appena risponde.",
      );
      expect(count(anna, /ti chiede se puoi aiutare/)).toBe(0);
      await world.tickAt('2026-11-22T07:01:00Z');
      expect(count(anna, /ti chiede se puoi aiutare/)).toBe(1);
      await anna.press('✅ Ci vado io');
      expect(anna.texts().join('\n')).toMatch(address);
    },
    slow,
  );

  it(
    'an urgent request: the question reaches the volunteer at night',
    async () => {
      const { giulia, anna } = await unassigned('2026-11-21T21:00:00Z', true);
      await giulia.press('👥 Assegna un volontario');
      await giulia.press(/^Anna/);
      expect(giulia.lastText()).toBe('📨 Ho chiesto a Anna se può andare. Aspetto la risposta e ti scrivo.');
      expect(anna.lastText()).toMatch(/^⚠️ \*?Urgente\*? — Giulia ti chiede se puoi aiutare/);
    },
    slow,
  );
});
