import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../bot/core/outbound.js';
import { createRuntime } from '../../bot/main/runtime.js';
import { botInfoFrom } from '../../bot/adapters/channels/telegram/bot.js';
import { requestExpiryTimer, shardGroups, timerIds } from '../../bot/domain/timer.js';
import { defaultFanOutAbove, fanOutTick, tickOrFanOut, workerOptions } from '../../bot/app/tick-fan-out.js';
import { runTick, type TickOptions, type TickReport } from '../../bot/app/tick.js';
import type { Requests, TickWork, Timers } from '../../bot/core/ports.js';
import type { InvokeCommand } from '@aws-sdk/client-lambda';
import { LambdaTickQueue } from '../../bot/adapters/aws/tick-invoke.js';
import { parseTickWork } from '../../bot/adapters/aws/tick-work.js';
import type { Runtime } from '../../bot/main/runtime.js';
import { countingClient, testTable } from '../support/dynamo.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { chatOf, lambda, network, okSendsByChat, seedElders } from '../support/seed.js';
import { VirtualTime } from '../support/virtual-time.js';

let api: FakeBotApi;
beforeAll(async () => {
  api = await startFakeBotApi();
});
afterAll(async () => api.close());

const T = '2026-11-21T08:00:00.000Z'; // 09:00 in Rome
const at = (minutes: number) => new Date(Date.parse(T) + minutes * 60_000);

/** A runtime whose outbox is SQS (a fake that keeps what it is given): the tick's own calls, nothing sent. */
function onSqs(doc: DynamoDBDocumentClient, table: string, start: Date) {
  const batches: OutboundMessage[][] = [];
  const client = {
    async send(command: SendMessageBatchCommand) {
      batches.push(
        (command.input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? '') as OutboundMessage),
      );
      return { Failed: [] };
    },
  };
  const clock = new VirtualTime(start);
  const runtime = createRuntime({
    doc,
    table,
    network,
    token: api.token,
    apiRoot: api.apiRoot,
    botInfo: botInfoFrom(api.token, 'vicini_test_bot'),
    clock,
    time: clock.time,
    outbox: { queueUrl: 'https://sqs.eu-south-1.amazonaws.com/1/outbox.fifo', client },
  });
  return { runtime, batches, clock, queued: () => batches.flat() };
}

describe('the morning wave', () => {
  it('fires each prompt with 3 DynamoDB calls and hands the outbox 10 prompts per SQS call', async () => {
    const { doc, tableName } = await testTable();
    const wave = 30;
    await seedElders(doc, tableName, 0, wave, T);
    const { runtime, batches, queued } = onSqs(doc, tableName, at(-1));
    await runtime.deps.timers.advanceCursor(at(-1).toISOString()); // where the previous minute's tick left it
    const counter = countingClient(doc);
    const report = await runtime.tick(at(0));
    expect(report.fired).toBe(wave);
    // The tick's own: its cursor read and write, one query per shard and hour bucket read, and the
    // figures' count of the wave's prompts (one transaction, not one per prompt: a hot item).
    const queries = runtime.deps.timers.shards * report.hours;
    expect(counter.counts.QueryCommand).toBe(queries);
    const overhead = 1 + 1 + queries + 1;
    expect((counter.total() - overhead) / wave).toBeLessThanOrEqual(3);
    expect(counter.counts.TransactWriteItemsCommand).toBe(wave + 1);
    expect(batches).toHaveLength(wave / 10);
    expect(new Set(queued().map((m) => m.id)).size).toBe(wave);
    // Each prompt's check-in, its rungs and the next day's prompt were written.
    const elderId = queued()[0]!.personId;
    expect((await runtime.deps.checkIns.getCheckIn(elderId, '2026-11-21'))?.state).toBe('prompted');
    expect((await runtime.deps.timers.get(timerIds.rung(elderId, '2026-11-21', 'reminder')))?.due).toBe(
      at(30).toISOString(),
    );
    expect((await runtime.deps.timers.get(timerIds.prompt(elderId)))?.due).toBe('2026-11-22T08:00:00.000Z');
    // The next morning the wave goes in due order (here all at 09:00: by id): ten prompts in a row per SQS call.
    await runtime.deps.timers.advanceCursor(at(-1 + 1440).toISOString());
    const before = batches.length;
    await runtime.tick(at(1440));
    const sorted = queued()
      .slice(wave)
      .map((m) => m.personId)
      .sort((x, y) => x.localeCompare(y));
    for (const batch of batches.slice(before)) {
      const ids = batch.map((m) => m.personId);
      const first = Math.min(...ids.map((id) => sorted.indexOf(id)));
      expect(first % 10).toBe(0);
      expect(new Set(ids)).toEqual(new Set(sorted.slice(first, first + 10)));
    }
    expect(sorted).toHaveLength(wave);
  }, 120_000);

  it('a tick killed after its writes, before the outbox: the next one sends each prompt, once', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    const wave = 20;
    await seedElders(doc, tableName, 0, wave, T);
    const dying = lambda(doc, tableName, api, at(0));
    await dying.deps.timers.advanceCursor(at(-1).toISOString());
    let claims = 0;
    const killed = dying.tick(at(0), {
      afterClaim: () => {
        if (++claims > wave / 2) throw new Error('Lambda killed');
      },
    });
    await expect(killed).rejects.toThrow('Lambda killed');
    await dying.outbox.drain();
    expect(okSendsByChat(api, /Come stai oggi/).size).toBeLessThan(wave);
    // Within the lease the claims are held; after it, a new tick finds the check-ins made and sends.
    expect((await lambda(doc, tableName, api, at(1)).tick(at(1))).waiting).toBeGreaterThan(0);
    await lambda(doc, tableName, api, at(2)).tick(at(2));
    const prompts = okSendsByChat(api, /Come stai oggi/);
    expect(prompts.size).toBe(wave);
    expect([...prompts.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('the ladder counts from when the prompt was sent, not from when it was due', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    const [elder] = await seedElders(doc, tableName, 0, 1, T);
    const { runtime, clock, queued } = onSqs(doc, tableName, at(0));
    await runtime.deps.timers.advanceCursor(at(-1).toISOString());
    await runtime.tick(at(0));
    const reminders = () => queued().filter((m) => m.id.includes('.reminder:')).length;
    // The wave is long: at +30 the prompt has not gone yet, so the reminder waits.
    clock.current = at(30);
    await runtime.tick(at(30));
    expect(reminders()).toBe(0);
    // Sent at +40: the reminder is due at +70.
    clock.current = at(40);
    await runtime.sender.send(queued().filter((m) => m.id.startsWith('chk.')));
    expect((await runtime.deps.checkIns.getCheckIn(elder!.id, '2026-11-21'))?.sentAt).toBe(
      at(40).toISOString(),
    );
    for (const minute of [40, 50, 69]) {
      clock.current = at(minute);
      await runtime.tick(at(minute));
    }
    expect(reminders()).toBe(0);
    clock.current = at(70);
    await runtime.tick(at(70));
    expect(reminders()).toBe(1);
  }, 120_000);

  it('fans out: one worker per group of shards, each on its own cursor, fires every prompt once', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    const wave = 40;
    await seedElders(doc, tableName, 0, wave, T);
    const handed: TickWork[] = [];
    const groups = 4;
    await fanOutTick(at(0), groups, { hand: async (work) => void handed.push(...work) });
    expect(handed.map((w) => w.group)).toEqual([0, 1, 2, 3]);
    expect(
      shardGroups(groups)
        .flat()
        .sort((a, b) => a - b),
    ).toEqual([...Array(16).keys()]);
    // Each piece of work as the worker function gets it (a Lambda of its own each).
    const workers = handed.map(() => lambda(doc, tableName, api, at(0)));
    for (const [i, w] of handed.entries()) await workers[i]!.tick(new Date(w.time), workerOptions(w, groups));
    const prompts = okSendsByChat(api, /Come stai oggi/);
    expect(prompts.size).toBe(wave);
    expect([...prompts.values()].every((n) => n === 1)).toBe(true);
    for (let g = 0; g < groups; g++)
      expect(await workers[0]!.deps.timers.getCursor(`${groups}.${g}`)).toBe(at(0).toISOString());
    expect(await workers[0]!.deps.timers.getCursor()).toBeNull();

    // Lambda may run an asynchronous event more than once (and runs a failed one again): the same
    // work again fires nothing, its timers being done.
    for (const w of handed)
      expect(
        await lambda(doc, tableName, api, at(0)).tick(new Date(w.time), workerOptions(w, groups)),
      ).toMatchObject({ fired: 0, waiting: 0 });
    expect([...okSendsByChat(api, /Come stai oggi/).values()].every((n) => n === 1)).toBe(true);
    expect(() => workerOptions({ time: T, group: 4 }, 4)).toThrow();
  }, 120_000);
});

/**
 * The hand-off as on AWS (`LambdaTickQueue`) on a fake Lambda client that keeps each invocation's
 * work as the worker would read it (test/infra/tick-invoke.test.ts has the real client on a
 * loopback Lambda API).
 */
function onTickQueue() {
  const calls: TickWork[] = [];
  const queue = new LambdaTickQueue(
    {
      async send(command: InvokeCommand) {
        expect(command.input.InvocationType).toBe('Event');
        calls.push(parseTickWork(JSON.parse(String(command.input.Payload))));
        return { StatusCode: 202 };
      },
    },
    'Vicini-TickWorker',
  );
  return { queue, calls, work: () => [...calls] };
}

/** A runtime's tick as the scheduled run calls it. */
const ticking = (runtime: Runtime) => (now: Date, options: Partial<TickOptions>) =>
  runtime.tick(now, options);

/** Each piece of work as the worker function gets it, each a Lambda of its own. */
async function runWorkers(work: TickWork[], groups: number, worker: () => Runtime): Promise<TickReport[]> {
  const reports: TickReport[] = [];
  for (const w of work) reports.push(await worker().tick(new Date(w.time), workerOptions(w, groups)));
  return reports;
}

describe('the scheduled run with a worker function: it fans out only a heavy minute', () => {
  const groups = 8;

  it('an idle minute: no invocation, the DynamoDB calls of a tick without a queue, and what is due fired by the run itself', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    await seedElders(doc, tableName, 0, 3, T);
    const runtime = lambda(doc, tableName, api, at(-3));
    const { queue, calls } = onTickQueue();
    const fanOut = { queue, groups, above: defaultFanOutAbove };
    await runtime.deps.timers.advanceCursor(at(-4).toISOString());
    const counter = countingClient(doc);
    // Two minutes with nothing due: one run without a queue, then the next with one.
    await runtime.tick(at(-3));
    const withoutQueue = { ...counter.counts };
    counter.reset();
    expect(await tickOrFanOut(ticking(runtime), at(-2), fanOut)).toMatchObject({
      fired: 0,
      heavy: false,
      handedOut: 0,
      cursor: at(-2).toISOString(),
    });
    // The cursor read, one query per shard (one hour bucket), the cursor written: 18, as without a queue.
    expect(counter.counts).toEqual(withoutQueue);
    expect(counter.counts).toEqual({ GetItemCommand: 1, QueryCommand: 16, PutItemCommand: 1 });
    // Three due: fired here, nothing handed out.
    const report = await tickOrFanOut(ticking(runtime), at(0), fanOut);
    expect(report).toMatchObject({ fired: 3, heavy: false, handedOut: 0, cursor: at(0).toISOString() });
    expect(calls).toEqual([]);
    expect(okSendsByChat(api, /Come stai oggi/).size).toBe(3);
  }, 120_000);

  it('a heavy minute: the run fires none and invokes the worker once per group; the workers fire each once', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    const wave = 40;
    await seedElders(doc, tableName, 0, wave, T);
    const scheduler = lambda(doc, tableName, api, at(0));
    await scheduler.deps.timers.advanceCursor(at(-1).toISOString());
    const { queue, calls, work } = onTickQueue();
    const fanOut = { queue, groups, above: 5 };
    const counter = countingClient(doc);
    const report = await tickOrFanOut(ticking(scheduler), at(0), fanOut);
    expect(report).toMatchObject({ fired: 0, heavy: true, handedOut: groups });
    expect(counter.counts.TransactWriteItemsCommand).toBeUndefined();
    expect(okSendsByChat(api, /Come stai oggi/).size).toBe(0);
    // One asynchronous invocation per group; the default cursor stays behind the minute.
    expect(calls).toHaveLength(groups);
    expect(work().map((w) => w.group)).toEqual([...Array(groups).keys()]);
    expect(await scheduler.deps.timers.getCursor()).toBe(at(-1).toISOString());

    const reports = await runWorkers(work(), groups, () => lambda(doc, tableName, api, at(0)));
    expect(reports.reduce((n, r) => n + r.fired, 0)).toBe(wave);
    const prompts = okSendsByChat(api, /Come stai oggi/);
    expect(prompts.size).toBe(wave);
    expect([...prompts.values()].every((n) => n === 1)).toBe(true);

    // The next minute is idle: the run catches the default cursor up, one query per shard and hour.
    counter.reset();
    const next = await tickOrFanOut(ticking(scheduler), at(1), fanOut);
    expect(next).toMatchObject({ fired: 0, heavy: false, handedOut: 0, cursor: at(1).toISOString() });
    expect(counter.counts.QueryCommand).toBe(16 * next.hours);
    expect(calls).toHaveLength(groups);
  }, 120_000);

  it('after a day of idle minutes run on the default cursor, a worker of the next heavy minute reads the last hours only', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    await seedElders(doc, tableName, 0, 40, T);
    const scheduler = lambda(doc, tableName, api, at(-2));
    // Yesterday's wave left the group cursors at 09:01; since then only the scheduled run has ticked.
    for (let g = 0; g < groups; g++)
      await scheduler.deps.timers.advanceCursor(at(-1439).toISOString(), `${groups}.${g}`);
    await scheduler.deps.timers.advanceCursor(at(-1439).toISOString());
    const { queue, work } = onTickQueue();
    const fanOut = { queue, groups, above: 5 };
    for (const minute of [-2, -1])
      expect(await tickOrFanOut(ticking(scheduler), at(minute), fanOut)).toMatchObject({ heavy: false });
    expect(await tickOrFanOut(ticking(scheduler), at(0), fanOut)).toMatchObject({ heavy: true });

    const counter = countingClient(doc);
    const [first] = work();
    const options = workerOptions(first!, groups);
    const report = await lambda(doc, tableName, api, at(0)).tick(at(0), options);
    // From the default cursor (a minute ago) and not its own (a day ago, 26 hour buckets): two buckets.
    expect(report.hours).toBe(2);
    expect(counter.counts.QueryCommand).toBe(options.group!.shards.length * 2);
    expect(await scheduler.deps.timers.getCursor(`${groups}.0`)).toBe(at(0).toISOString());
  }, 120_000);

  it('a heavy minute is known from a bounded read, however many are due', async () => {
    const above = 2;
    const read: number[] = [];
    for (const wave of [100, 400]) {
      api.reset();
      const { doc, tableName } = await testTable();
      await seedElders(doc, tableName, 0, wave, T);
      const scheduler = lambda(doc, tableName, api, at(0));
      await scheduler.deps.timers.advanceCursor(at(-1).toISOString());
      const { queue } = onTickQueue();
      const counter = countingClient(doc);
      expect(await tickOrFanOut(ticking(scheduler), at(0), { queue, groups, above })).toMatchObject({
        heavy: true,
      });
      // One query per shard and hour bucket (the previous hour's, empty, and this one's).
      expect(counter.counts.QueryCommand).toBe(16 * 2);
      read.push(counter.items.QueryCommand ?? 0);
    }
    console.log('items read by the probe of a heavy minute, 100 and 400 due:', read);
    // At most above + 1 per shard: the same for 100 due as for 400.
    for (const n of read) expect(n).toBeLessThanOrEqual(16 * (above + 1));
    expect(read[1]).toBe(read[0]);
  }, 120_000);

  it("a timer whose use case fails holds back none of the minute's prompts; the run fails, and the timer is tried again", async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    await seedElders(doc, tableName, 0, 20, T);
    const runtime = lambda(doc, tableName, api, at(0));
    const { timers } = runtime.deps;
    await timers.advanceCursor(at(-1).toISOString());
    // A request's retention timer due in the same minute, whose use case fails (a bug, an outage of one item).
    const poisoned = requestExpiryTimer({ id: 'rq-poisoned', createdAt: at(0).toISOString() }, 0);
    await timers.schedule([poisoned]);
    const { requests } = runtime.deps;
    runtime.deps.requests = Object.assign(Object.create(requests) as Requests, {
      getRequest: () => Promise.reject(new Error('this request cannot be read')),
    });
    await expect(runtime.tick(at(0), { fanOutAbove: defaultFanOutAbove })).rejects.toThrow(
      'this request cannot be read',
    );
    runtime.deps.requests = requests;
    // Every elder had her question all the same; the cursor stays behind the failed timer.
    expect(okSendsByChat(api, /Come stai oggi/).size).toBe(20);
    expect(await timers.getCursor()).toBe(at(-1).toISOString());
    // Once its claim runs out (90 s), the next run takes it again, and nobody is asked twice.
    const again = await runtime.tick(at(2));
    expect(again).toMatchObject({ fired: 1, waiting: 0, cursor: at(2).toISOString() });
    expect([...okSendsByChat(api, /Come stai oggi/).values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('a claim the scheduled run loses to a worker that then dies: the default cursor waits, and the timer fires once', async () => {
    api.reset();
    const { doc, tableName } = await testTable();
    // Found ten minutes late (a catch-up): once the cursor is past it, no run reads its bucket again.
    const [late] = await seedElders(doc, tableName, 0, 1, at(-10).toISOString());
    const scheduler = lambda(doc, tableName, api, at(0));
    await scheduler.deps.timers.advanceCursor(at(-11).toISOString());
    // Between the scheduled run's read and its claim, a worker claims the timer (and dies before completing it).
    const timers = scheduler.deps.timers;
    const racing: Timers = Object.assign(Object.create(timers) as Timers, {
      async due(hour: string, shard: number, upTo: Date, limit?: number) {
        const found = await timers.due(hour, shard, upTo, limit);
        for (const t of found) expect(await timers.claim(t, 'worker-that-dies', upTo, 90)).toBe(true);
        return found;
      },
    });
    const lost = await runTick({ ...scheduler.deps, timers: racing }, at(0), {
      claimer: 'scheduled',
      fanOutAbove: defaultFanOutAbove,
    });
    expect(lost).toMatchObject({ fired: 0, waiting: 0, heavy: false });
    expect(await timers.getCursor()).toBe(at(-11).toISOString());
    // The worker's lease runs to 09:01:30: the next minute waits for it, the one after takes the timer over.
    const fanOut = { ...onTickQueue(), groups, above: defaultFanOutAbove };
    expect(await tickOrFanOut(ticking(scheduler), at(1), fanOut)).toMatchObject({ fired: 0, waiting: 1 });
    expect(await tickOrFanOut(ticking(scheduler), at(2), fanOut)).toMatchObject({
      fired: 1,
      cursor: at(2).toISOString(),
    });
    expect(okSendsByChat(api, /Come stai oggi/)).toEqual(new Map([[chatOf(0), 1]]));
    // Done: the timer moved on to her next time.
    expect((await scheduler.deps.timers.get(timerIds.prompt(late!.id)))?.due).not.toBe(at(-10).toISOString());
  }, 120_000);
});
