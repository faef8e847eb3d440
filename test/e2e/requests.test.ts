import { afterEach, describe, expect, it } from 'vitest';
import {
  approveInStore,
  askForHelp,
  forget,
  linkRelative,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
} from '../support/cast.js';
import { World, type Person } from '../support/world.js';

let world: World;
type Volunteers = Record<'anna' | 'bruno' | 'carla' | 'dario' | 'enzo' | 'franco', Person>;
let everyone: { elder: Person; relative: Person; mediator: Person; volunteers: Volunteers };

/** No message to a volunteer who is not the assigned one may carry the elder's name, address or phone. */
function assertPrivacy(assigned: Set<number>) {
  const volunteerChats = new Set(Object.values(everyone.volunteers).map((v) => v.chatId));
  for (const call of world.api.calls) {
    const chat = Number(call.params.chat_id);
    if (!volunteerChats.has(chat) || assigned.has(chat)) continue;
    const text = JSON.stringify(call.params);
    for (const secret of ['Maria', 'Via dei Mille', '333 765', '3337654321'])
      expect(text, `to chat ${chat}`).not.toContain(secret);
  }
}

afterEach(async () => {
  expect(world.refusedCalls()).toEqual([]);
  await world.close();
});

async function volunteer(name: string, zone: string, hood: string, approve = true): Promise<Person> {
  const inNord = zone === 'Zona Nord';
  const v = await onboardVolunteer(world, name, hood, {
    zone,
    approvedBy: approve && inNord ? everyone.mediator : undefined,
  });
  // No mediator in that zone in this test: approved as its mediator would.
  if (approve && !inNord) await approveInStore(world, v);
  return v;
}

async function setUp() {
  world = await World.start({ at: '2026-11-21T09:00:00Z' });
  const mediator = await onboardMediator(world, 'Giulia', 'nord');
  everyone = { mediator } as typeof everyone;
  const elder = await onboardElder(world, { address: 'Via dei Mille 5', phone: { type: '333 765 4321' } });
  everyone.elder = elder;
  everyone.relative = await linkRelative(world, elder);
  everyone.volunteers = {
    anna: await volunteer('Anna', 'Zona Nord', 'Mompiano'),
    bruno: await volunteer('Bruno', 'Zona Nord', 'Casazza'),
    carla: await volunteer('Carla', 'Zona Nord', 'Borgo Trento'),
    dario: await volunteer('Dario', 'Zona Nord', "Sant'Eustacchio"),
    enzo: await volunteer('Enzo', 'Zona Est', 'Buffalora'),
    franco: await volunteer('Franco', 'Zona Nord', 'Mompiano', false),
  };
}

const askPharmacy = (elder: Person) => askForHelp(elder, { note: 'La ricetta è sul tavolo <b>' });

const offered = (p: Person) => p.texts().some((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te'));

describe('help requests', () => {
  it('offers go to the three nearest approved volunteers; first accept wins; done and confirmed', async () => {
    await setUp();
    const { elder, relative, volunteers: v } = everyone;
    await askPharmacy(elder);
    expect(elder.texts().some((t) => t.startsWith('👍 Richiesta inviata: Farmacia, oggi'))).toBe(true);
    expect([v.anna, v.bruno, v.carla].map(offered)).toEqual([true, true, true]);
    expect([v.dario, v.enzo, v.franco].map(offered)).toEqual([false, false, false]);
    expect(v.bruno.lastText()).toMatch(/Farmacia.*Mompiano \(circa 1,?5? km\)/s);

    await v.bruno.press('✅ Ci vado io');
    expect(v.bruno.lastText()).toMatch(
      /Per: Maria\nIndirizzo: Via dei Mille 5\nTelefono: \+393337654321\nNota: La ricetta è sul tavolo <b>/,
    );
    for (const other of [v.anna, v.carla]) {
      expect(other.texts()).toContain("Questa richiesta l'ha già presa qualcun altro. Grazie lo stesso! 💛");
      expect(() => other.findButton('✅ Ci vado io')).toThrow();
    }
    expect(elder.lastText()).toMatch(/Bruno verrà .*a passare in farmacia per te/);
    expect(relative.lastText()).toMatch(/Bruno andrà .*a passare in farmacia per Maria/);

    await v.bruno.press('✅ Fatto');
    await v.bruno.press('😊 Tutto bene');
    expect(v.bruno.texts().join('\n')).not.toContain('Via dei Mille');
    await elder.press('✅ Sì, fatto');
    expect(elder.lastText()).toBe('Grazie per la conferma! 💛');
    expect(v.bruno.lastText()).toMatch(/Maria ha confermato/);
    assertPrivacy(new Set([v.bruno.chatId]));
  });

  it('nobody accepts: waves 2 and 3, then the mediator assigns by hand', async () => {
    await setUp();
    const { elder, mediator, volunteers: v } = everyone;
    await askPharmacy(elder);
    // The sender's pacing moves the virtual clock: the wave timer is 15 minutes after the request.
    const asked = world.clock.now().getTime();
    await world.tickAt(new Date(asked + 16 * 60_000));
    expect([v.dario, v.enzo].map(offered)).toEqual([true, true]);
    expect(offered(v.franco)).toBe(false);
    await world.tickAt(new Date(asked + 32 * 60_000));
    expect(mediator.lastText()).toMatch(/Nessun volontario ha accettato la richiesta di Maria/);
    // Maria and her son hear it too, once, and that someone is looking.
    expect(elder.texts().filter((t) => t.startsWith('Per ora nessun volontario'))).toEqual([
      'Per ora nessun volontario ha potuto rispondere alla tua richiesta (Farmacia). Ho avvisato chi coordina i volontari della zona: cercherà qualcuno e ti farà sapere.',
    ]);
    expect(everyone.relative.lastText()).toBe(
      'Per ora nessun volontario ha potuto rispondere alla richiesta per Maria (Farmacia). Ho avvisato chi coordina i volontari della zona: cercherà qualcuno.',
    );
    await mediator.press('👥 Assegna un volontario');
    await mediator.press(/^Anna/);
    // Anna is asked first; the details come with her yes.
    expect(mediator.lastText()).toBe('📨 Ho chiesto a Anna se può andare. Aspetto la risposta e ti scrivo.');
    await v.anna.press('✅ Ci vado io');
    expect(v.anna.lastText()).toMatch(/Per: Maria/);
    expect(elder.lastText()).toMatch(/Anna verrà/);
    assertPrivacy(new Set([v.anna.chatId]));
  }, 90_000);

  it('release re-routes without that volunteer; cancel tells the volunteers; forged presses change nothing', async () => {
    await setUp();
    const { elder, volunteers: v } = everyone;
    await askPharmacy(elder);
    await v.anna.press('✅ Ci vado io');
    // Someone else's task, and an offer never sent: refused.
    await v.carla.pressForged(/./, `a:rd:${await requestId()}`);
    expect(v.carla.lastText()).toBe('Non puoi usare questo pulsante. Nessuna modifica è stata fatta.');
    await v.dario.pressForged(/./, `a:oa:${await requestId()}`);
    expect(v.dario.texts().join('\n')).toMatch(/già presa qualcun altro/);
    expect((await world.runtime.deps.requests.getRequest(await requestId()))?.assignedTo).toBe(
      (await world.store.findPersonByChannel({ channel: 'telegram', id: String(v.anna.chatId) }))!.id,
    );

    await v.anna.press('↩️ Non posso più andare');
    expect(elder.lastText()).toBe('Anna non può più venire. Sto cercando un altro volontario.');
    expect(v.anna.texts().join('\n')).not.toContain('Via dei Mille 5\n');
    // A new round of offers: Bruno's earlier one was edited to "taken", now he has a live one again.
    expect(() => v.bruno.findButton('✅ Ci vado io')).not.toThrow();
    expect(() => v.anna.findButton('✅ Ci vado io')).toThrow();
    // Anna's old Accept is refused after her release.
    const before = v.anna.texts().filter((t) => /già presa qualcun altro/.test(t)).length;
    await v.anna.pressForged(/./, `a:oa:${await requestId()}`);
    expect(v.anna.texts().filter((t) => /già presa qualcun altro/.test(t)).length).toBe(before + 1);

    await elder.send('/requests');
    await elder.press('❌ Annulla la richiesta');
    expect(elder.lastText()).toBe('Richiesta annullata (Farmacia).');
    expect(v.bruno.texts()).toContain('Questa richiesta non serve più. Grazie lo stesso! 💛');
    assertPrivacy(new Set([v.anna.chatId]));
  });
});

describe('declining and racing for an offer', () => {
  it('"Not this time" is recorded; when all three decline, wave 2 goes at once without them', async () => {
    await setUp();
    const { elder, volunteers: v } = everyone;
    await askPharmacy(elder);
    for (const who of [v.anna, v.bruno]) {
      await who.press('Non questa volta');
      expect(who.lastText()).toBe('Va bene, grazie. Chiederò a qualcun altro.');
    }
    const stored = await world.runtime.deps.requests.getRequest(await requestId());
    expect(stored?.excluded).toHaveLength(2);
    expect(offered(v.dario)).toBe(false);
    await v.carla.press('Non questa volta');
    // Everyone offered said no: the next stage, at once, without them.
    expect(offered(v.dario)).toBe(true);
    const again = await world.runtime.deps.requests.getRequest(await requestId());
    expect(again?.excluded).toHaveLength(3);
    expect(again?.wave).toBe(2);
    for (const who of [v.anna, v.bruno, v.carla])
      expect(who.texts().filter((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te'))).toHaveLength(0);
  }, 90_000);

  it('three accept at once: one wins, every other offer is edited once, no "not modified" call', async () => {
    await setUp();
    const { elder, volunteers: v } = everyone;
    await askPharmacy(elder);
    const since = world.api.calls.length;
    const presses = [v.anna, v.bruno, v.carla].map((who) => {
      const { message, data } = who.findButton('✅ Ci vado io');
      return world.api.userPresses(who.tg, who.chatId, message.message_id, data);
    });
    const answers = await Promise.all(presses.map((u) => world.deliver(u)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const calls = world.api.calls.slice(since);
    expect(calls.filter((c) => /not modified/.test(c.error?.description ?? ''))).toEqual([]);
    const taken = "Questa richiesta l'ha già presa qualcun altro. Grazie lo stesso! 💛";
    const winners = [v.anna, v.bruno, v.carla].filter((who) => /Per: Maria/.test(who.lastText()));
    expect(winners).toHaveLength(1);
    for (const who of [v.anna, v.bruno, v.carla].filter((w) => !winners.includes(w))) {
      expect(who.texts()).toContain(taken);
      const edits = calls.filter(
        (c) =>
          c.method === 'editMessageText' &&
          Number(c.params.chat_id) === who.chatId &&
          c.params.text === taken,
      );
      expect(edits).toHaveLength(1);
    }
  }, 90_000);

  it('a press Telegram no longer lets us answer ("query is too old") is still handled: 200', async () => {
    await setUp();
    const { elder, volunteers: v } = everyone;
    await askPharmacy(elder);
    const { message, data } = v.anna.findButton('Non questa volta');
    const update = world.api.userPresses(v.anna.tg, v.anna.chatId, message.message_id, data);
    // Answered once already (as after a timed-out first delivery): Telegram refuses a second answer.
    await world.runtime.bot.api.answerCallbackQuery(update.callback_query!.id);
    const answer = await world.deliver(update);
    expect(answer.statusCode).toBe(200);
    expect(v.anna.lastText()).toBe('Va bene, grazie. Chiederò a qualcun altro.');
    // A press we do not handle (not a private chat), already answered: nothing to do, still 200.
    const other = world.api.userPresses(v.bruno.tg, v.bruno.chatId, message.message_id, data);
    (other.callback_query!.message!.chat as { type: string }).type = 'group';
    await world.runtime.bot.api.answerCallbackQuery(other.callback_query!.id);
    expect((await world.deliver(other)).statusCode).toBe(200);
    const refused = world.refusedCalls();
    expect(refused.map((c) => c.method)).toEqual(['answerCallbackQuery', 'answerCallbackQuery']);
    for (const call of refused) world.api.calls.splice(world.api.calls.indexOf(call), 1);
  }, 90_000);
});

async function requestId(): Promise<string> {
  const elderId = (await world.store.findPersonByChannel({
    channel: 'telegram',
    id: String(everyone.elder.chatId),
  }))!.id;
  const [request] = await world.runtime.deps.requests.requestsOf(elderId);
  return request!.id;
}

describe('an elder who leaves', () => {
  it('has open requests cancelled, volunteers told, and no request or timer of theirs left', async () => {
    await setUp();
    const { elder, volunteers: v } = everyone;
    await askPharmacy(elder);
    await v.carla.press('✅ Ci vado io');
    const elderId = (await world.store.findPersonByChannel({
      channel: 'telegram',
      id: String(elder.chatId),
    }))!.id;
    await forget(elder);
    expect(v.carla.texts()).toContain(
      'La richiesta che avevi accettato è stata annullata. Grazie lo stesso! 💛',
    );
    expect(v.carla.texts().join('\n')).not.toContain('Via dei Mille');
    const items = JSON.stringify(await world.scan());
    expect(items).not.toContain(elderId);
    expect(items).not.toContain('Via dei Mille');
    expect(items).not.toContain('La ricetta');
  });
});
