import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onboardMediator, onboardVolunteer } from '../support/cast.js';
import { World, type Person } from '../support/world.js';

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => world.close());
afterEach(() => expect(world.refusedCalls()).toEqual([]));

/** A volunteer in English who signs up for company at weekend evenings, still waiting for approval. */
const onboardPendingVolunteer = (name: string) =>
  onboardVolunteer(world, name, 'Mompiano', {
    lang: 'en',
    radius: '1 km',
    tasks: ['⬜ Company or a visit'],
    days: 'Saturday and Sunday',
    parts: ['⬜ Evening'],
    speaks: ['⬜ English'],
  });

const idOf = async (p: Person) =>
  (await world.store.findPersonByChannel({ channel: 'telegram', id: String(p.chatId) }))!.id;

describe('bad input is harmless', () => {
  it('ignores update kinds the bot does not handle, without a call or a write', async () => {
    const calls = world.api.calls.length;
    world.dynamoCalls.reset();
    for (const update of [
      {
        update_id: 900001,
        edited_message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'x' },
      },
      {
        update_id: 900002,
        channel_post: { message_id: 1, date: 0, chat: { id: -100, type: 'channel', title: 'c' } },
      },
      { update_id: 900003, poll: { id: 'p', question: 'q', options: [] } },
    ]) {
      expect((await world.deliver(update)).statusCode).toBe(200);
    }
    expect(world.api.calls.length).toBe(calls);
    // Nothing to decide, so no turn and no record: not a single DynamoDB call.
    expect(world.dynamoCalls.counts).toEqual({});
  });

  it('refuses a wrong or missing webhook secret with 401 and no write', async () => {
    const someone = world.user('Zed', 'en');
    const update = world.api.userSends(someone.tg, '/start');
    world.dynamoCalls.reset();
    expect(
      (await world.deliver(update, { 'x-telegram-bot-api-secret-token': 'wrong-secret-000000000' }))
        .statusCode,
    ).toBe(401);
    expect((await world.deliver(update, {})).statusCode).toBe(401);
    expect(world.dynamoCalls.total()).toBe(0);
    expect(someone.messages()).toEqual([]);
  });

  it('answers malformed bodies with 400 and no write', async () => {
    world.dynamoCalls.reset();
    expect((await world.deliver('not an update')).statusCode).toBe(400);
    expect((await world.deliver({ update_id: -1 })).statusCode).toBe(400);
    expect(world.dynamoCalls.total()).toBe(0);
  });

  it('processes the same update delivered twice only once', async () => {
    const someone = world.user('Twice', 'it');
    const update = world.api.userSends(someone.tg, '/start');
    expect((await world.deliver(update)).statusCode).toBe(200);
    const after = someone.messages().length;
    expect((await world.deliver(update)).statusCode).toBe(200);
    expect(someone.messages().length).toBe(after);
  });

  it('asks the question again when free text comes where a button is expected', async () => {
    const someone = world.user('Text', 'en');
    await someone.send('/start');
    await someone.send('hello?');
    const texts = someone.texts();
    expect(texts.at(-2)).toBe('To answer, please tap one of the buttons.');
    expect(texts.at(-1)).toMatch(/Which language do you prefer/);
    await someone.press('English');
    await someone.send('I am not sure');
    expect(someone.lastText()).toBe('How can we help you?');
  });

  it('refuses an oversized name and keeps asking', async () => {
    const someone = world.user('Long', 'en');
    await someone.send('/start');
    await someone.press('English');
    await someone.press('I look after a family member');
    await someone.send('x'.repeat(5000));
    expect(someone.texts().at(-2)).toMatch(/can't read that name/);
    expect(someone.lastText()).toMatch(/What is your name/);
  });

  it('refuses forged button data and an old button, changing nothing', async () => {
    const someone = world.user('Forger', 'en');
    await someone.send('/start');
    await someone.pressForged('English', 'zzz:<script>');
    expect(someone.lastText()).toBe("I don't recognise that button. Nothing was changed.");
    const toast = () => world.api.callsTo('answerCallbackQuery').at(-1)?.params.text;
    let before = someone.messages().length;
    await someone.pressForged('English', 's:lang:klingon');
    // A press that answers nothing: a toast on the button, the question stays as it is.
    expect(toast()).toBe('To answer, please tap one of the buttons.');
    expect(someone.messages().length).toBe(before);
    await someone.press('English');
    // The language question's button again, now that the role is being asked.
    before = someone.messages().length;
    await someone.pressForged('I need help for myself', 's:lang:it');
    expect(toast()).toBe('That button belongs to an earlier question.');
    expect(someone.messages().length).toBe(before);
    expect(someone.lastText()).toBe('How can we help you?');
    expect((await world.store.getPerson(await idOf(someone)))?.lang).toBe('en');
  });

  it('refuses Approve pressed by anyone but a mediator of the volunteer’s zone', async () => {
    const nord = await onboardMediator(world, 'Nina', 'nord', { lang: 'en' });
    const sud = await onboardMediator(world, 'Sara', 'sud', { lang: 'en' });
    const volunteer = await onboardPendingVolunteer('Vito');
    const volunteerId = await idOf(volunteer);

    // Another zone's mediator forges the approve data on a button of her own.
    const before = sud.messages().length;
    await sud.forge(`a:va:${volunteerId}`);
    expect(sud.messages().length).toBeGreaterThan(before);
    expect(sud.lastText()).toBe("You can't use this button. Nothing was changed.");
    // The volunteer approves himself.
    await volunteer.forge(`a:va:${volunteerId}`);
    expect(volunteer.lastText()).toBe("You can't use this button. Nothing was changed.");
    expect((await world.store.getPerson(volunteerId))?.volunteer?.status).toBe('pending');

    await nord.press('✅ Approve');
    expect((await world.store.getPerson(volunteerId))?.volunteer?.status).toBe('approved');
  });

  it('refuses a used or expired mediator invite', async () => {
    const payload = await world.mediatorInvite('est');
    const first = world.user('First', 'en');
    await first.send(`/start ${payload}`);
    const second = world.user('Second', 'en');
    await second.send(`/start ${payload}`);
    expect(second.texts()[0]).toMatch(/This invitation is not valid/);

    const stale = await world.mediatorInvite('est');
    world.clock.advance(73 * 3600_000);
    const late = world.user('Late', 'en');
    await late.send(`/start ${stale}`);
    expect(late.texts()[0]).toMatch(/This invitation is not valid/);
    expect(
      (await world.store.findPersonByChannel({ channel: 'telegram', id: String(late.chatId) }))?.role,
    ).toBeUndefined();
  });

  it('answers unknown commands and unsupported messages', async () => {
    const someone = world.user('Cmd', 'en');
    await someone.send('/start');
    await someone.send('/frobnicate');
    expect(someone.texts().at(-2)).toMatch(/I don't know that command/);
    await world.deliver({
      update_id: 990001,
      message: {
        message_id: 99,
        date: 0,
        chat: { id: someone.chatId, type: 'private', first_name: 'Cmd' },
        from: someone.tg,
        sticker: { file_id: 'x' },
      },
    });
    expect(someone.texts().at(-2)).toBe("I can't read this kind of message.");
  });
});
