import { Api, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../../bot/config/network.js';
import type { RecordedCall } from '../../simulator/bot-api/server.js';
import { SimClock } from '../../simulator/clock.js';
import type { SimState } from '../../simulator/simulator.js';
import { startSimulation, type Simulation } from '../../simulator/start.js';
import { testTable } from '../support/dynamo.js';

/** The simulator's HTTP API as the page uses it, without a browser. */
let sim: Simulation;
const elderId = 100101;
const mediatorId = 100106;

beforeAll(async () => {
  const { doc, tableName } = await testTable();
  sim = await startSimulation({
    doc,
    table: tableName,
    network: loadNetworkFile('network/brescia.json'),
    port: 0,
    start: new Date('2026-11-23T09:00:00Z'), // Monday, 10:00 in Rome
    minuteTick: false,
  });
});
afterAll(() => sim?.stop());

async function post(path: string, body: unknown = {}, type = 'application/json') {
  const res = await fetch(new URL(path, sim.url), {
    method: 'POST',
    headers: { 'content-type': type },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function state(): Promise<SimState> {
  return (await (await fetch(new URL('/sim/state', sim.url))).json()) as SimState;
}

/** Does `action` and waits for the bot to send or edit a message in `chatId` matching `text`. */
async function expectReply(
  chatId: number,
  text: RegExp,
  action: () => Promise<unknown>,
): Promise<RecordedCall> {
  const since = sim.api.calls.length;
  await action();
  return sim.api.waitFor(
    (c) =>
      c.ok &&
      /^(sendMessage|editMessageText)$/.test(c.method) &&
      Number(c.params.chat_id) === chatId &&
      text.test(String(c.params.text)),
    10_000,
    since,
  );
}

/** The newest inline button of a chat whose label matches, as the page would press it. */
function button(chatId: number, label: string | RegExp): { messageId: number; data: string } {
  for (const message of [...sim.api.messages(chatId)].reverse()) {
    const rows = (message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [];
    const found = rows
      .flat()
      .find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
    if (found && 'callback_data' in found)
      return { messageId: message.message_id, data: found.callback_data! };
  }
  throw new Error(`chat ${chatId} shows no button ${String(label)}`);
}

const press = (pane: string, chatId: number, label: string | RegExp) =>
  post(`/sim/panes/${pane}/press`, button(chatId, label));

describe('simulator API', () => {
  it('describes the demo panes, the clock in the network time zone and the neighbourhoods', async () => {
    const got = await state();
    expect(got.panes.map((p) => `${p.id}:${p.part}:${p.user.id}`)).toEqual([
      'elder:Elder:100101',
      'relative:Relative:100102',
      'anna:Volunteer:100103',
      'bruno:Volunteer:100104',
      'carla:Volunteer:100105',
      'mediator:Mediator:100106',
    ]);
    expect(got.localNow).toMatch(/^2026-11-23T10:0\d$/);
    expect(got.bot).toBe('vicini_demo_bot');
    expect(got.zones.find((z) => z.id === 'nord')?.neighbourhoods.map((n) => n.id)).toContain('mompiano');
    expect(got.panes[0]?.commands.map((c) => c.command)).toContain('request');
    expect((await fetch(new URL('/', sim.url))).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it("gives each pane its chat's own menu, and serves a photo as the image its bytes are, a document as a download", async () => {
    const got = await state();
    const menu = (id: string) => got.panes.find((p) => p.id === id)?.commands.map((c) => c.command) ?? [];
    expect(menu('mediator')).toEqual(expect.arrayContaining(['today', 'volunteers', 'broadcast', 'figures']));
    expect(menu('mediator')).not.toContain('invite');
    expect(menu('elder')).toContain('invite');
    expect(menu('elder')).not.toContain('figures');

    const api = new Api(sim.api.token, { apiRoot: sim.api.apiRoot });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const photo = await api.sendPhoto(mediatorId, new InputFile(jpeg, 'chart.bin'));
    const served = await fetch(new URL(`/sim/files/${photo.photo.at(-1)?.file_id}`, sim.url));
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer()).equals(jpeg)).toBe(true);
    const doc = await api.sendDocument(mediatorId, new InputFile(Buffer.from('a,b\n'), 'figures.csv'));
    const file = await fetch(new URL(`/sim/files/${doc.document.file_id}`, sim.url));
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="figures.csv"');
    expect(await file.text()).toBe('a,b\n');
    await api.deleteMessage(mediatorId, photo.message_id);
    await api.deleteMessage(mediatorId, doc.message_id);
  });

  it('refuses what a page could not mean, and changes nothing', async () => {
    const before = sim.api.calls.length;
    expect((await post('/sim/panes/elder/text', { text: 'hi' }, 'text/plain')).status).toBe(415);
    expect((await post('/sim/panes/elder/text', { text: '' })).status).toBe(400);
    expect((await post('/sim/panes/elder/press', { messageId: 999, data: 'a:ok' })).status).toBe(400);
    expect((await post('/sim/panes/nobody/text', { text: 'hi' })).status).toBe(400);
    expect((await post('/sim/panes/elder/fly', {})).status).toBe(404);
    expect((await post('/sim/panes/elder/location', { lat: 91, lon: 0 })).status).toBe(400);
    expect((await post('/sim/clock', { to: '2026-11-22T10:00' })).body.error).toMatch(/only moves forward/);
    expect((await post('/sim/clock', { to: 'tomorrow' })).status).toBe(400);
    expect((await fetch(new URL('/sim/files/none', sim.url))).status).toBe(404);
    expect((await fetch(new URL('/../package.json', sim.url))).status).toBe(404);
    expect(sim.api.calls.slice(before).filter((c) => c.method !== 'getUpdates')).toEqual([]);
  });

  it('onboards a mediator in a new pane through an invite, and an elder by a point on the map', async () => {
    const pane = (await post('/sim/panes', { name: 'Sara Nuova', lang: 'it' })).body as {
      id: string;
      user: { id: number };
    };
    const sara = pane.user.id;
    await expectReply(sara, /In che lingua/, () =>
      post(`/sim/panes/${pane.id}/mediator-invite`, { zoneId: 'sud' }),
    );
    await expectReply(sara, /nome/i, () => press(pane.id, sara, 'Italiano'));
    await expectReply(sara, /telefono/i, () => press(pane.id, sara, /Sara/));
    await expectReply(sara, /Ultimo passo/, () => press(pane.id, sara, 'Salta'));
    await expectReply(sara, /mediazione di prossimità/, () => press(pane.id, sara, "✅ Sono d'accordo"));

    await post(`/sim/panes/${pane.id}/new-person`, { name: 'Ada Nuova', lang: 'it' });
    const ada = (await state()).panes.find((p) => p.id === pane.id)!.user.id;
    expect(ada).not.toBe(sara);
    await expectReply(ada, /In che lingua/, () => post(`/sim/panes/${pane.id}/text`, { text: '/start' }));
    await expectReply(ada, /Come possiamo darti una mano/, () => press(pane.id, ada, 'Italiano'));
    await expectReply(ada, /nome/, () => press(pane.id, ada, 'Mi serve aiuto per me'));
    await expectReply(ada, /posizione/, () => press(pane.id, ada, /Ada/));
    const asked = (await state()).panes.find((p) => p.id === pane.id)!;
    expect(JSON.stringify(asked.keyboard)).toContain('request_location');
    await expectReply(ada, /indirizzo/, () =>
      post(`/sim/panes/${pane.id}/location`, { lat: 45.5625, lon: 10.2335 }),
    );
    // Its question answered, the location keyboard is taken away.
    expect(
      JSON.stringify((await state()).panes.find((p) => p.id === pane.id)!.keyboard ?? null),
    ).not.toContain('request_location');
    await post(`/sim/panes/${pane.id}/remove`);
    expect((await state()).panes.map((p) => p.id)).not.toContain(pane.id);
  });

  it('"next event" runs the clock to the elder\'s check-in; a jump climbs the whole ladder', async () => {
    const next = await post('/sim/clock', { next: true });
    expect(next.body.steps).toEqual([{ at: '2026-11-24T08:00:00.000Z', kind: 'prompt', fired: 1 }]);
    expect(sim.api.messages(elderId).at(-1)?.text).toBe('Buongiorno, Nonna! ☀️ Come stai oggi?');

    await expectReply(mediatorId, /non ha risposto alla domanda delle 09:00/, () =>
      post('/sim/clock', { to: '2026-11-24T10:31' }),
    );
    expect((await state()).localNow).toMatch(/^2026-11-24T10:3\d$/);
    await expectReply(mediatorId, /Te ne occupi tu/, () =>
      press('mediator', mediatorId, '🙋 Me ne occupo io'),
    );
    const told = sim.api.sentTo(mediatorId).length;
    const later = await post('/sim/clock', { minutes: 60 });
    // Acknowledged: the escalation timer fires and finds nothing to do. Its due time comes from a
    // clock that follows real time between jumps, so it may carry a millisecond or two: the minute counts.
    const steps = (later.body.steps as { at: string }[]).map((st) => ({ ...st, at: st.at.slice(0, 16) }));
    expect(steps).toEqual([{ at: '2026-11-24T10:00', kind: 'escalate', fired: 1 }]);
    expect(sim.api.sentTo(mediatorId).length).toBe(told);
  });

  it('a reset empties the table and the chats and writes the demo again, at the real time', async () => {
    await post('/sim/panes', { name: 'Temp', lang: 'en' });
    expect((await post('/sim/reset')).status).toBe(200);
    const got = await state();
    expect(got.panes).toHaveLength(6);
    expect(got.panes.every((p) => p.messages.length === 0)).toBe(true);
    expect(Math.abs(Date.parse(got.now) - Date.now())).toBeLessThan(60_000);
    await expectReply(elderId, /^Che piacere rivederti, Nonna Demo!\n\nQuando vuoi, tocca/, () =>
      post('/sim/panes/elder/text', { text: '/start' }),
    );
  });
});

describe('simulator clock', () => {
  it('follows real time from its start and only moves forward', () => {
    let real = 1_000_000;
    const clock = new SimClock(new Date(5_000_000), () => real);
    real += 500;
    expect(clock.ms()).toBe(5_000_500);
    expect(clock.moveTo(new Date(4_000_000))).toBe(false);
    expect(clock.moveTo(new Date(9_000_000))).toBe(true);
    real += 1000;
    expect(clock.now().getTime()).toBe(9_001_000);
    expect(clock.time.now()).toBe(9_001_000);
  });
});
