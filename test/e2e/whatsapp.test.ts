import { afterEach, describe, expect, it } from 'vitest';
import { botInfoFrom } from '../../bot/adapters/channels/telegram/bot.js';
import { reply } from '../../bot/flows/types.js';
import type { OutboundMessage } from '../../bot/core/outbound.js';
import { createRuntime } from '../../bot/main/runtime.js';
import { forget, inviteRelative, joinAsRelative, onboardElder, onboardMediator } from '../support/cast.js';
import { sign, WhatsAppWorld, whatsapp } from '../support/channels.js';

/**
 * What only WhatsApp has: the signed webhook and its handshake, the 24-hour
 * window with templates and held messages, undeliverable templates, numbered
 * menus, and the ways WhatsApp shows the flows' location and contact requests.
 */
let world: WhatsAppWorld;
afterEach(async () => {
  expect(world.problems()).toEqual([]);
  await world.close();
});

const mediator = (name: string) => onboardMediator(world, name, 'nord');
/** An elder who gave WhatsApp's own number, asked daily at 09:00. */
const elder = (name = 'Maria') => onboardElder(world, { name, phone: 'this number', time: 'Alle 09:00' });

describe('the webhook', () => {
  it('refuses wrong, missing and replayed-with-altered-body signatures with 401, writing nothing', async () => {
    world = await WhatsAppWorld.start();
    const user = { number: '393331112222', name: 'Eve' };
    const body = JSON.stringify(world.api.userSends(user, '/start'));
    const altered = body.replace('/start', '/forget');
    const before = await world.scan();
    for (const [text, signature] of [
      [body, sign(body, 'not-the-app-secret-0000000000')],
      [body, null],
      [body, 'sha256='],
      [altered, sign(body)],
    ] as const) {
      expect(await world.post(text, signature)).toEqual({ statusCode: 401, body: 'unauthorized' });
    }
    expect(await world.scan()).toEqual(before);
    expect(world.api.calls).toEqual([]);

    expect(await world.post(body)).toEqual({ statusCode: 200, body: 'ok' });
    // The same body again (Meta's retry, or a replay): processed once.
    expect(await world.post(body)).toEqual({ statusCode: 200, body: 'duplicate' });
    expect(world.api.messages(user.number).filter((m) => /In che lingua/.test(m.text))).toHaveLength(1);
  });

  it('answers the verification handshake only for the right token', async () => {
    world = await WhatsAppWorld.start();
    const get = (query: Record<string, string>) =>
      world.runtime.whatsapp!.webhook({ method: 'GET', query, headers: {} });
    const query = {
      'hub.mode': 'subscribe',
      'hub.verify_token': whatsapp.verifyToken,
      'hub.challenge': '987654',
    };
    expect(await get(query)).toMatchObject({ statusCode: 200, body: '987654' });
    expect(await get({ ...query, 'hub.verify_token': `${whatsapp.verifyToken}x` })).toMatchObject({
      statusCode: 403,
    });
    expect(await get({ ...query, 'hub.mode': 'unsubscribe' })).toMatchObject({ statusCode: 403 });
    expect(await get({ ...query, 'hub.challenge': '<script>' })).toMatchObject({ statusCode: 403 });
  });

  it('answers what is not a webhook body with 400, and ignores another phone number', async () => {
    world = await WhatsAppWorld.start();
    expect(await world.post('not json')).toMatchObject({ statusCode: 400 });
    expect(await world.post({ object: 'page', entry: [] })).toMatchObject({ statusCode: 400 });
    const other = world.api.body(
      {
        messages: [
          { from: '393331112222', id: 'wamid.x', timestamp: '1', type: 'text', text: { body: 'hi' } },
        ],
      },
      '999999999',
    );
    expect(await world.post(other)).toEqual({ statusCode: 200, body: 'ignored' });
    expect(world.api.calls).toEqual([]);
  });

  it('answers forged button ids and oversized text harmlessly, changing nothing', async () => {
    world = await WhatsAppWorld.start();
    const e = await elder();
    const before = await world.personOf(e);
    const shown = e.messages().at(-1)!;
    await world.post(world.api.userTaps(e.wa, shown, 'a:va:someone-else'));
    expect(e.lastText()).toBe('Non puoi usare questo pulsante. Nessuna modifica è stata fatta.');
    await world.post(world.api.userTaps(e.wa, shown, `x:${'y'.repeat(250)}`));
    expect(e.lastText()).toBe('Non riconosco questo pulsante. Nessuna modifica è stata fatta.');
    await e.send('/profile');
    await e.press('Cambia nome');
    await e.send('M'.repeat(5000));
    expect(e.texts().at(-2)).toMatch(/Non riesco a leggere il nome/);
    expect(await world.personOf(e)).toEqual(before);
  });

  it('answers a message type the flows cannot read with a harmless sentence', async () => {
    world = await WhatsAppWorld.start();
    const e = world.user('Eve');
    await e.send('/start');
    const sticker = world.api.inbound(e.wa, {
      type: 'sticker',
      sticker: { id: '1', mime_type: 'image/webp' },
    });
    expect(await world.post(sticker)).toMatchObject({ statusCode: 200 });
    expect(e.texts()).toContain('Non posso leggere questo tipo di messaggio.');
    expect(e.lastText()).toMatch(/In che lingua/);
  });
});

describe('the 24-hour window', () => {
  it('a prompt due for someone whose window closed goes out as a template, answered with one tap', async () => {
    world = await WhatsAppWorld.start({ at: '2026-11-20T10:00:00Z' });
    const e = await elder();
    await world.tickAt('2026-11-21T08:00:00Z');
    expect(e.messages().at(-1)).toMatchObject({
      kind: 'buttons',
      text: expect.stringMatching(/^Buongiorno, Maria!/),
    });
    await e.press('😊 Sto bene');
    // A day after her last message: templates only, with the same two answers as quick replies.
    await world.tickAt('2026-11-22T08:00:00Z');
    expect(e.messages().at(-1)).toMatchObject({
      kind: 'template',
      text: 'Buongiorno, Maria! ☀️ Come stai oggi?',
      choices: [
        expect.objectContaining({ title: '😊 Sto bene' }),
        expect.objectContaining({ title: '🆘 Mi serve aiuto' }),
      ],
    });
    await world.tickAt('2026-11-22T08:30:00Z');
    expect(e.messages().at(-1)).toMatchObject({
      kind: 'template',
      text: expect.stringMatching(/sono ancora io/),
    });
    await e.press('😊 Sto bene');
    expect(e.lastText()).toMatch(/Che bello, grazie/);
    const person = await world.personOf(e);
    expect(await world.runtime.deps.checkIns.getCheckIn(person!.id, '2026-11-22')).toMatchObject({
      state: 'fine',
    });
  });

  it('a template WhatsApp cannot deliver (reported in a status callback) raises an unreachable alert', async () => {
    world = await WhatsAppWorld.start({ at: '2026-11-20T10:00:00Z' });
    const m = await mediator('Giulia');
    const e = await elder();
    world.api.fail(e.wa.number, { code: 131026, templatesOnly: true, async: true });
    await world.tickAt('2026-11-22T08:00:00Z');
    expect(e.messages().filter((x) => x.kind === 'template')).toEqual([]);
    expect(m.lastText()).toMatch(/Non riesco più a scrivere a Maria/);
    expect((await world.personOf(e))?.unreachableAt).toBeDefined();
  });

  it('a template refused at once raises the unreachable alert too', async () => {
    world = await WhatsAppWorld.start({ at: '2026-11-20T10:00:00Z' });
    const m = await mediator('Giulia');
    const e = await elder();
    world.api.fail(e.wa.number, { code: 131026, templatesOnly: true });
    await world.tickAt('2026-11-22T08:00:00Z');
    expect(m.lastText()).toMatch(/Non riesco più a scrivere a Maria/);
    expect(world.api.calls.filter((c) => c.fault)).toHaveLength(1);
  });

  it('holds what has no template, says once that messages wait, and delivers them when the person taps', async () => {
    world = await WhatsAppWorld.start({ at: '2026-11-20T10:00:00Z' });
    const e = await elder();
    const payload = await inviteRelative(e);
    world.clock.current = new Date('2026-11-21T12:00:00Z');
    const relative = await joinAsRelative(world, payload);
    // The elder last wrote 26 hours ago: the link request waits; a template says something does.
    expect(e.messages().at(-1)).toMatchObject({
      kind: 'template',
      text: expect.stringMatching(/novità per te/),
    });
    expect(e.texts().join('\n')).not.toMatch(/vuole seguirti/);
    await e.press('📬 Leggi');
    expect(e.lastText()).toMatch(/Luca\* vuole seguirti su Vicini/);
    await e.press('✅ Sì, è di famiglia');
    expect(relative.lastText()).toMatch(/Maria ha confermato/);
  });
});

describe('across channels', () => {
  it('a notice to a WhatsApp person from a process without WhatsApp (the Telegram webhook) goes to the outbox', async () => {
    world = await WhatsAppWorld.start();
    const m = await mediator('Giulia');
    const profile = (await world.personOf(m))!;
    const queued: string[] = [];
    const telegramOnly = createRuntime({
      doc: world.table.doc,
      table: world.table.name,
      network: world.runtime.deps.network,
      token: world.telegram.token,
      apiRoot: world.telegram.apiRoot,
      botInfo: botInfoFrom(world.telegram.token, 'vicini_test_bot'),
      outbox: {
        queueUrl: 'https://sqs.eu-south-1.amazonaws.com/000000000000/outbox.fifo',
        client: {
          send: async (command) => {
            queued.push(...(command.input.Entries ?? []).map((e) => e.MessageBody ?? ''));
            return { Failed: [] };
          },
        },
      },
    });
    await telegramOnly.deps.messenger.send(profile, [reply('volunteer.approved')]);
    expect(queued.map((body) => JSON.parse(body) as { to: unknown })).toEqual([
      expect.objectContaining({ to: m.ref(), replies: [{ text: 'volunteer.approved' }] }),
    ]);
    // The sender (here, the world's) delivers it on WhatsApp.
    await world.runtime.sender.send(queued.map((body) => JSON.parse(body) as OutboundMessage));
    expect(m.lastText()).toMatch(/approvata/);
  });
});

describe('erasure', () => {
  it('/forget leaves nothing of the person or their number, held messages and window included', async () => {
    world = await WhatsAppWorld.start({ at: '2026-11-20T10:00:00Z' });
    const e = await elder('Teresa');
    const payload = await inviteRelative(e);
    world.clock.current = new Date('2026-11-21T12:00:00Z');
    await joinAsRelative(world, payload, { name: 'Nipote' });
    const id = (await world.personOf(e))!.id;
    expect(JSON.stringify(await world.scan())).toContain('HELD#');
    await forget(e);
    expect(e.texts()).toContain('Ho cancellato tutti i tuoi dati.');
    const items = JSON.stringify(await world.scan());
    for (const gone of [id, e.wa.number, 'Teresa', 'HELD#']) expect(items).not.toContain(gone);
  });
});

describe('what WhatsApp shows its own way', () => {
  it('a numbered menu when the buttons fit neither reply buttons nor a list; a typed number answers it', async () => {
    world = await WhatsAppWorld.start();
    const u = world.user('Eve');
    await u.send('/start');
    const person = await world.personOf(u);
    const buttons = [
      [{ label: 'languages.it', data: 's:lang:it' }],
      [{ label: 'languages.en', data: 's:lang:en' }],
      ...Array.from({ length: 10 }, (_, i) => [{ label: 'buttons.skip', data: `a:x${i}` }]),
    ];
    await world.runtime.sender.send([
      {
        id: 'menu:1',
        to: u.ref(),
        personId: person!.id,
        lang: 'it',
        replies: [{ text: 'onboarding.lang.question', buttons }],
      },
    ]);
    expect(u.lastText()).toMatch(
      /Rispondi con il numero della tua scelta:\n1\. Italiano\n2\. English\n3\. Salta/,
    );
    await u.send('2');
    expect(u.lastText()).toBe('How can we help you?');
  });

  it('asks for the location with the send-location button, and the phone with "use this number"', async () => {
    world = await WhatsAppWorld.start();
    const e = world.user('Maria');
    await e.send('/start');
    await e.press('Italiano');
    await e.press('Mi serve aiuto per me');
    await e.press(/Maria/);
    expect(e.messages().at(-1)).toMatchObject({ kind: 'location' });
    await e.shareLocation(45.5625, 10.233);
    await e.press('Salta');
    await e.press('📞 Usa questo numero');
    await e.press('Alle 09:00');
    await e.press("✅ Sono d'accordo");
    const stored = await world.personOf(e);
    expect(stored?.place).toMatchObject({ neighbourhoodId: 'mompiano', source: 'location' });
    expect(await world.store.getPrivate(stored!.id)).toEqual({ phone: `+${e.wa.number}` });
  });

  it('sends /mydata as an uploaded document, and retries through rate limits', async () => {
    world = await WhatsAppWorld.start();
    const e = await elder();
    world.api.fail(e.wa.number, { code: 130429, times: 2 });
    await e.send('/mydata');
    const document = e.messages().at(-1)!;
    expect(document).toMatchObject({ kind: 'document', text: expect.stringMatching(/Ecco tutto quello/) });
    const upload = world.api.calls.find((c) => c.path.endsWith('/media'));
    expect(upload?.status).toBe(200);
    const person = await world.personOf(e);
    const sent = world.api.calls.filter(
      (c) => c.status === 200 && JSON.stringify(c.body).includes('"document"'),
    );
    const id = (sent.at(-1)!.body as { document: { id: string } }).document.id;
    expect(world.api.mediaContent(id)).toContain(person!.id);
    expect(world.api.calls.filter((c) => c.fault)).toHaveLength(2);
  });
});
