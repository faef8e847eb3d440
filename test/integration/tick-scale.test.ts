import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personItem } from '../../bot/adapters/store/dynamo-store.js';
import { countingClient, testTable } from '../support/dynamo.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import {
  batchPut,
  chatOf,
  elder,
  lambda,
  okLinesByChat,
  okSendsByChat,
  seedElders,
} from '../support/seed.js';

let api: FakeBotApi;
beforeAll(async () => {
  api = await startFakeBotApi();
});
afterAll(async () => api.close());

const T = '2026-11-21T08:00:00.000Z'; // 09:00 in Rome

/**
 * `npm test` proves each property at a size that runs in seconds; `npm run bench`
 * runs this file with VICINI_SCALE=full: 2,000 elders in one minute, and
 * 1,000 vs 100,000 registered.
 */
const full = process.env.VICINI_SCALE === 'full';
const wave = full ? 2000 : 120;
const faulty = full ? 300 : 100;
const registeredSizes = full ? [1_000, 100_000] : [100, 2_000];
const at = (minutes: number) => new Date(Date.parse(T) + minutes * 60_000);

describe('tick at scale, against DynamoDB Local', () => {
  it(`${wave} elders in one minute: two ticks at once, one killed half way and re-run — every effect exactly once`, async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    const elders = await seedElders(doc, tableName, 0, wave, T);
    // A relative for every tenth elder, and one mediator for the zone.
    const relatives = elders
      .filter((_, i) => i % 10 === 0)
      .map((e, i) => ({
        ...elder(10_000 + i, 'r'),
        role: 'relative' as const,
        zoneId: undefined,
        place: undefined,
        checkInTime: undefined,
        elderId: e.id,
      }));
    const mediator = {
      ...elder(20_000, 'm'),
      role: 'mediator' as const,
      name: 'Giulia',
      place: undefined,
      checkInTime: undefined,
    };
    const links = relatives.flatMap((r) => {
      const link = { elderId: r.elderId, relativeId: r.id, status: 'confirmed', createdAt: T };
      return [
        { PK: `P#${r.elderId}`, SK: `REL#${r.id}`, entity: 'relativeLink', ...link },
        { PK: `P#${r.id}`, SK: `ELDER#${r.elderId}`, entity: 'elderLink', ...link },
      ];
    });
    await batchPut(doc, tableName, [
      ...relatives.map(({ elderId: _e, ...r }) => personItem(r)),
      personItem(mediator),
      ...links,
    ]);

    // 09:00 — two ticks at once (two Lambdas, two senders).
    const [a, b] = [lambda(doc, tableName, api, at(0)), lambda(doc, tableName, api, at(0))];
    const reports = await Promise.all([a.tick(at(0)), b.tick(at(0))]);
    expect(reports[0]!.fired + reports[1]!.fired).toBe(wave);
    const prompts = okSendsByChat(api, /Come stai oggi/);
    expect(prompts.size).toBe(wave);
    expect([...prompts.values()].every((n) => n === 1)).toBe(true);

    // 09:30 — the reminder tick dies after half its claims; what it queued was already durable (SQS), then a
    // new tick two minutes later takes over the claim it left behind once its lease ran out.
    const dying = lambda(doc, tableName, api, at(30));
    let claims = 0;
    const killed = dying.tick(at(30), {
      afterClaim: () => {
        if (++claims > wave / 2) throw new Error('Lambda killed');
      },
    });
    await expect(killed).rejects.toThrow('Lambda killed');
    await dying.outbox.drain();
    const partial = okSendsByChat(api, /sono ancora io/);
    expect(partial.size).toBeLessThan(wave);
    expect((await lambda(doc, tableName, api, at(30)).tick(at(30))).waiting).toBeGreaterThan(0);
    await lambda(doc, tableName, api, at(32)).tick(at(32));
    const reminders = okSendsByChat(api, /sono ancora io/);
    expect(reminders.size).toBe(wave);
    expect([...reminders.values()].every((n) => n === 1)).toBe(true);

    // 10:00 relatives, 10:30 the zone's mediator, 11:00 every mediator: each once per elder. The
    // ladder counts from when each prompt went out (the senders pace the wave over up to a minute
    // of virtual time), so the ticks look a little after the hour.
    await Promise.all([a.tick(at(62)), b.tick(at(62))]);
    const toRelatives = okSendsByChat(api, /non ha ancora risposto/);
    expect(toRelatives.size).toBe(wave / 10);
    expect([...toRelatives.values()].every((n) => n === 1)).toBe(true);
    // The mediator hears of each elder once: her cards wait together, so they come as digests, a line each.
    await Promise.all([a.tick(at(92)), b.tick(at(92))]);
    expect(okLinesByChat(api, /non ha risposto alla domanda/).get(chatOf(20_000))).toBe(wave);
    expect(okSendsByChat(api, /non ha risposto alla domanda/).get(chatOf(20_000))).toBeLessThan(wave);
    await Promise.all([a.tick(at(123)), b.tick(at(123))]);
    expect(okLinesByChat(api, /nessuno (?:ha|l.ha) ancora preso in carico/).get(chatOf(20_000))).toBe(wave);
    expect((await a.deps.alerts.openAlerts('nord')).length).toBeGreaterThan(0);
  }, 600_000);

  it('with 20% faults (429, 500, timeouts, 403) no prompt is lost and the 403s become unreachable alerts', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    const elders = await seedElders(doc, tableName, 0, faulty, T);
    api.setFaults({
      rate: 0.2,
      kinds: ['429', '500', 'timeout', '403'],
      seed: 11,
      methods: ['sendMessage'],
      timeoutMs: 150,
    });
    const runtime = lambda(doc, tableName, api, at(0), { callTimeoutMs: 1000, maxAttempts: 10 });
    await runtime.tick(at(0));
    api.setFaults(undefined);
    const prompts = okSendsByChat(api, /Come stai oggi/);
    const blocked = new Set(
      api.calls
        .filter((c) => c.method === 'sendMessage' && c.error?.error_code === 403)
        .map((c) => Number(c.params.chat_id)),
    );
    expect(blocked.size).toBeGreaterThan(0);
    expect(api.calls.some((c) => c.error?.error_code === 429)).toBe(true);
    expect(api.calls.some((c) => c.error?.error_code === 500)).toBe(true);
    const alerts = await runtime.deps.alerts.openAlerts('nord');
    for (const e of elders) {
      const chat = chatOf(Number(e.id.slice(1)));
      if (blocked.has(chat)) {
        expect(prompts.get(chat) ?? 0).toBe(0);
        expect(alerts.filter((a) => a.kind === 'unreachable' && a.personId === e.id)).toHaveLength(1);
        expect((await runtime.deps.store.getPerson(e.id))?.unreachableAt).toBeDefined();
      } else {
        expect(prompts.get(chat)).toBe(1);
      }
    }
  }, 300_000);

  it(`a tick costs what is due, not who is registered: ${registeredSizes.join(' vs ')} elders, 10 due`, async () => {
    const tomorrow = '2026-11-22T08:00:00.000Z';
    const costs: number[] = [];
    for (const registered of registeredSizes) {
      api.reset();
      const { doc, tableName } = await testTable();
      await seedElders(doc, tableName, 0, registered - 10, tomorrow);
      await seedElders(doc, tableName, registered, 10, T);
      const runtime = lambda(doc, tableName, api, at(-1));
      await runtime.tick(at(-1)); // sets the cursor, as the previous minute's tick would have
      const counter = countingClient(doc);
      const report = await runtime.tick(at(0));
      expect(report.fired).toBe(10);
      expect(okSendsByChat(api, /Come stai oggi/).size).toBe(10);
      costs.push(counter.total());
      console.log(
        `tick with ${registered} registered, 10 due: ${counter.total()} DynamoDB calls`,
        counter.counts,
      );
    }
    expect(costs[1]).toBe(costs[0]);
  }, 600_000);
});
