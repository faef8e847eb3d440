import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forget, inviteRelative, joinAsRelative, onboardElder, onboardMediator } from '../support/cast.js';
import { World, type Person } from '../support/world.js';

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => world.close());
afterEach(() => expect(world.refusedCalls()).toEqual([]));

/** An elder in Folzano who typed her address and phone, asked daily at 10:00. */
const elderInSud = (name: string, address = `Via Segreta ${name}`) =>
  onboardElder(world, {
    name,
    zone: 'Zona Sud',
    hood: 'Folzano',
    address,
    phone: { type: '030 1234567' },
    time: 'Alle 10:00',
  });

const idOf = async (p: Person) =>
  (await world.store.findPersonByChannel({ channel: 'telegram', id: String(p.chatId) }))!.id;

describe('privacy', () => {
  it('/mydata sends everything stored about the person as a JSON document', async () => {
    const elder = await elderInSud('Rosa', 'Via Segreta 12');
    await elder.send('/mydata');
    // First a summary a person can read, in their language; the file follows.
    const summary = elder.texts().find((t) => t.startsWith('I tuoi dati su Vicini')) ?? '';
    expect(summary).toMatch(
      /Nome: Rosa\nRuolo: Persona seguita\nLingua: Italiano\nIndirizzo: Via Segreta 12/,
    );
    expect(summary).not.toMatch(/PK|GSI1|ttl/);
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
    const mediator = await onboardMediator(world, 'Mimma', 'sud');

    const elder = await elderInSud('Teresa');
    const payload = await inviteRelative(elder);
    const relative = await joinAsRelative(world, payload, { name: 'Nipote' });
    await elder.press('✅ Sì, è di famiglia');
    const elderId = await idOf(elder);

    await elder.send('/forget');
    await elder.press('Annulla');
    expect(elder.lastText()).toBe('Va bene, non ho cancellato nulla.');
    expect(await world.store.getPerson(elderId)).not.toBeNull();

    await forget(elder);
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
      await forget(who);
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
    const elder = await elderInSud('Franca');
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
    const elder = await elderInSud('Gina');
    await elder.send('😊 Sto bene');
    expect(elder.lastText()).toMatch(/Che bello/);
    await elder.send('🆘 Ho bisogno di aiuto');
    expect(elder.lastText()).toMatch(/Ho avvisato le persone che ti seguono/);
  });
});
