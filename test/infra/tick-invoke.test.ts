import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaTickQueue, TickWorkRefusedError } from '../../bot/adapters/aws/tick-invoke.js';
import { NotTickWorkError, parseTickWork } from '../../bot/adapters/aws/tick-work.js';
import { tickOrFanOut, workerOptions } from '../../bot/app/tick-fan-out.js';
import type { TickWork } from '../../bot/core/ports.js';
import { testRegion, testTable } from '../support/dynamo.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { lambda, okSendsByChat, seedElders } from '../support/seed.js';
import { startFakeLambda, type FakeLambda } from './support/fake-lambda.js';

const worker = 'Vicini-TickWorker-AbC123';
const T = '2026-11-23T08:00:00.000Z'; // a Monday, 09:00 in Rome
const at = (minutes: number) => new Date(Date.parse(T) + minutes * 60_000);

let fake: FakeLambda;
let api: FakeBotApi;
beforeAll(async () => {
  fake = await startFakeLambda();
  api = await startFakeBotApi();
});
afterAll(async () => {
  await fake.close();
  await api.close();
});

/** A Lambda client on the loopback fake; `maxAttempts` as the SDK's (3) unless said. */
const client = (maxAttempts?: number) =>
  new LambdaClient({
    region: testRegion,
    endpoint: fake.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(maxAttempts ? { maxAttempts } : {}),
  });

const work = (groups: number): TickWork[] => [...Array(groups).keys()].map((group) => ({ time: T, group }));

describe('LambdaTickQueue', () => {
  it('invokes the worker function asynchronously once per group, signed, with the work as its event', async () => {
    fake.calls.length = 0;
    await new LambdaTickQueue(client(), worker).hand(work(8));
    expect(fake.calls).toHaveLength(8);
    for (const call of fake.calls) {
      expect(call).toMatchObject({ functionName: worker, invocationType: 'Event', signed: true });
    }
    // Each group once, as the worker reads it back.
    expect(fake.calls.map((c) => parseTickWork(c.payload)).sort((a, b) => a.group - b.group)).toEqual(
      work(8),
    );
  });

  it('fails when Lambda refuses a group (throttled, or its own error), after trying every group', async () => {
    fake.calls.length = 0;
    for (const refusal of [429, 500]) {
      fake.calls.length = 0;
      fake.answers.push(refusal);
      const handing = new LambdaTickQueue(client(1), worker).hand(work(4));
      await expect(handing).rejects.toThrow(TickWorkRefusedError);
      await expect(handing).rejects.toThrow('Lambda took 3 of 4');
      expect(fake.calls).toHaveLength(4);
    }
  });

  it("a refusal the SDK's own retry gets past is no failure", async () => {
    fake.calls.length = 0;
    fake.answers.push(500);
    await new LambdaTickQueue(client(), worker).hand(work(1));
    expect(fake.calls.map((c) => c.payload)).toEqual([work(1)[0], work(1)[0]]);
  });

  it('the worker refuses an event that is not tick work', () => {
    for (const bad of [{}, { time: T }, { time: T, group: -1 }, { time: 'nine', group: 0 }, 'x', null])
      expect(() => parseTickWork(bad)).toThrow(NotTickWorkError);
    expect(() => parseTickWork({ time: T, group: 0, extra: 1 })).toThrow(NotTickWorkError);
  });
});

describe('the scheduled run handing a heavy minute to the worker function', () => {
  it('fails when an invoke is refused, so the minute is handed out again; the groups run twice fire nothing twice', async () => {
    api.reset();
    fake.calls.length = 0;
    const { doc, tableName } = await testTable();
    const wave = 24;
    await seedElders(doc, tableName, 0, wave, T);
    const scheduler = lambda(doc, tableName, api, at(0));
    await scheduler.deps.timers.advanceCursor(at(-1).toISOString());
    const groups = 4;
    const fanOut = { queue: new LambdaTickQueue(client(1), worker), groups, above: 5 };
    const tick = (now: Date, options: object) => scheduler.tick(now, options);

    // Group 2's invoke is throttled: the run fails, nothing fired by it, the default cursor stays.
    fake.answers.push(202, 202, 429);
    await expect(tickOrFanOut(tick, at(0), fanOut)).rejects.toThrow(TickWorkRefusedError);
    expect(await scheduler.deps.timers.getCursor()).toBe(at(-1).toISOString());
    const taken = fake.calls.slice(0, 2).map((c) => parseTickWork(c.payload));
    // The groups Lambda took run (each a worker of its own).
    for (const w of taken) await lambda(doc, tableName, api, at(0)).tick(at(0), workerOptions(w, groups));
    const firedFirst = okSendsByChat(api, /Come stai oggi/).size;
    expect(firedFirst).toBeGreaterThan(0);
    expect(firedFirst).toBeLessThan(wave);

    // The next minute is still heavy (the other groups' prompts wait): every group is handed out again.
    fake.calls.length = 0;
    expect(await tickOrFanOut(tick, at(1), fanOut)).toMatchObject({ heavy: true, handedOut: groups });
    expect(fake.calls.map((c) => parseTickWork(c.payload).group).sort()).toEqual([0, 1, 2, 3]);
    for (const call of fake.calls) {
      const w = parseTickWork(call.payload);
      await lambda(doc, tableName, api, at(1)).tick(new Date(w.time), workerOptions(w, groups));
    }
    const prompts = okSendsByChat(api, /Come stai oggi/);
    expect(prompts.size).toBe(wave);
    expect([...prompts.values()].every((n) => n === 1)).toBe(true);
  });
});
