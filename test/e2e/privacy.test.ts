import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { World, type Person } from '../support/world.js';

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => world.close());
afterEach(() => expect(world.refusedCalls()).toEqual([]));

async function onboardElder(name: string, address = `Via Segreta ${name}`): Promise<Person> {
  const elder = world.user(name, 'it');
  await elder.send('/start');
  await elder.press('Italiano');
  await elder.press('Mi serve aiuto per me');
  await elder.press(new RegExp(name));
  await elder.press('Zona Sud');
  await elder.press('Folzano');
  await elder.send(address);
  await elder.send('030 1234567');
  await elder.press('Alle 10:00');
  await elder.press("✅ Sono d'accordo");
  return elder;
}

const idOf = async (p: Person) =>
  (await world.store.findPersonByChannel({ channel: 'telegram', id: String(p.chatId) }))!.id;

describe('privacy', () => {
  it('/mydata sends everything stored about the person as a JSON document', async () => {
    const elder = await onboardElder('Rosa', 'Via Segreta 12');
    await elder.send('/mydata');
    const call = world.api.callsTo('sendDocument').at(-1)!;
    expect(call.params.chat_id).toBe(elder.chatId);
    const file = call.params.document as { filename: string; content: string };
    expect(file.filename).toBe('vicini-my-data.json');
    const doc = JSON.parse(file.content) as { items: Record<string, unknown>[] };
    const entities = doc.items.map((i) => i.entity).sort();
    expect(entities).toEqual(['flow', 'identity', 'person', 'private']);
    expect(file.content).toContain('Via Segreta 12');
    expect(file.content).toContain('+390301234567');
  });

  it('/forget asks twice, erases every item of the person and tells their relatives and mediator', async () => {
    const mediator = world.user('Mimma', 'it');
    await mediator.send(`/start ${await world.mediatorInvite('sud')}`);
    await mediator.press('Italiano');
    await mediator.press(/Mimma/);
    await mediator.press('Salta');
    await mediator.press("✅ Sono d'accordo");

    const elder = await onboardElder('Teresa');
    await elder.press('👪 Invita un familiare');
    const payload = /start=(r\w+)/.exec(elder.lastText())![1]!;
    const relative = world.user('Nipote', 'it');
    await relative.send(`/start ${payload}`);
    await relative.press('Italiano');
    await relative.press(/Nipote/);
    await relative.press('Salta');
    await relative.press("✅ Sono d'accordo");
    await elder.press('✅ Sì, è di famiglia');
    const elderId = await idOf(elder);

    await elder.send('/forget');
    await elder.press('Annulla');
    expect(elder.lastText()).toBe('Va bene, non ho cancellato nulla.');
    expect(await world.store.getPerson(elderId)).not.toBeNull();

    await elder.send('/forget');
    await elder.press('Sì, cancella');
    await elder.press('🗑️ Cancella tutto');
    expect(elder.texts().at(-2)).toBe('Ho cancellato tutti i tuoi dati.');

    const items = JSON.stringify(await world.scan());
    expect(items).not.toContain(elderId);
    expect(items).not.toContain(`CH#telegram#${elder.chatId}`);
    expect(items).not.toContain('Teresa');
    expect(items).not.toContain('Via Segreta Teresa');
    expect(items).not.toContain(payload.slice(1));
    expect(relative.lastText()).toMatch(/Teresa \(Folzano\) ha lasciato Vicini/);
    expect(mediator.lastText()).toMatch(/Teresa \(Folzano\) ha lasciato Vicini/);
    // The relative stays, unlinked.
    const relativeId = await idOf(relative);
    expect(await world.store.listElders(relativeId)).toEqual([]);

    // The relative and the mediator can go too, leaving nothing either (not even on the invites they used).
    for (const who of [relative, mediator]) {
      const id = await idOf(who);
      await who.send('/forget');
      await who.press('Sì, cancella');
      await who.press('🗑️ Cancella tutto');
      expect(JSON.stringify(await world.scan())).not.toContain(id);
    }

    // Coming back starts from scratch.
    await elder.send('/start');
    expect(elder.lastText()).toMatch(/In che lingua/);
  });

  it('declining consent keeps nothing of what was said', async () => {
    const someone = world.user('Nope', 'en');
    await someone.send('/start');
    await someone.press('English');
    await someone.press('I look after a family member');
    await someone.send('Nobody Special');
    await someone.send('+39 333 000 1111');
    await someone.press('No, thank you');
    const items = JSON.stringify(await world.scan());
    expect(items).not.toContain('Nobody Special');
    expect(items).not.toContain(`CH#telegram#${someone.chatId}`);
  });
});

describe('profile', () => {
  it('/profile shows the stored details and edits one part', async () => {
    const elder = await onboardElder('Franca');
    await elder.send('/profile');
    expect(elder.lastText()).toContain('Nome: Franca');
    expect(elder.lastText()).toContain('Domanda quotidiana: alle 10:00, ogni giorno');
    await elder.press('Cambia ora della domanda');
    await elder.press('Non voglio la domanda quotidiana');
    expect(elder.lastText()).toBe('Fatto, ho salvato. ✅');
    expect((await world.store.getPerson(await idOf(elder)))?.checkInTime).toBeNull();
    await elder.send('/language');
    await elder.press('English');
    expect(elder.lastText()).toBe('Done, saved. ✅');
    await elder.send('/help');
    expect(elder.lastText()).toMatch(/Every day I ask how you are/);
  });

  it('the elder’s big buttons reach relatives and the zone mediator', async () => {
    const elder = await onboardElder('Gina');
    await elder.send('😊 Sto bene');
    expect(elder.lastText()).toMatch(/Che bello/);
    await elder.send('🆘 Ho bisogno di aiuto');
    expect(elder.lastText()).toMatch(/Ho avvisato le persone che ti seguono/);
  });
});
