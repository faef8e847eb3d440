import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Person } from '../../bot/domain/person.js';
import { timerIds, type Timer } from '../../bot/domain/timer.js';
import { loadNetworkFile, type Network } from '../../bot/network.js';
import { createRuntime, type Runtime } from '../../bot/runtime.js';
import { personItem } from '../../bot/store/dynamo-store.js';
import { DynamoTimers } from '../../bot/store/dynamo-timers.js';
import { keys } from '../../bot/store/keys.js';
import type { FakeBotApi } from './fake-bot-api.js';
import { botInfoFrom } from '../../bot/channels/telegram/bot.js';

export const network: Network = loadNetworkFile('network/brescia.json');

/** Writes items in batches of 25, `parallel` batches at a time. */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
  parallel = 16,
) {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  for (let i = 0; i < batches.length; i += parallel) {
    await Promise.all(
      batches.slice(i, i + parallel).map(async (batch) => {
        let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
          [table]: batch.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request && Object.keys(request).length > 0) {
          const got = await doc.send(new BatchWriteCommand({ RequestItems: request }));
          request = got.UnprocessedItems as typeof request;
        }
      }),
    );
  }
}

export const chatOf = (i: number) => 500_000 + i;

/** An onboarded elder of zone nord with a 09:00 check-in, reached on Telegram chat `chatOf(i)`. */
export function elder(i: number, prefix = 'e'): Person {
  return {
    id: `${prefix}${String(i).padStart(6, '0')}`,
    lang: 'it',
    createdAt: '2026-11-01T00:00:00.000Z',
    channels: [{ channel: 'telegram', id: String(chatOf(i)) }],
    onboardedAt: '2026-11-01T00:00:00.000Z',
    consentAt: '2026-11-01T00:00:00.000Z',
    role: 'elder',
    name: `Anziano ${i}`,
    zoneId: 'nord',
    place: { zoneId: 'nord', neighbourhoodId: 'mompiano', lat: 45.562, lon: 10.233, source: 'neighbourhood' },
    checkInTime: '09:00',
  };
}

/** Elders with their next prompt timer due at `due`. */
export async function seedElders(
  doc: DynamoDBDocumentClient,
  table: string,
  from: number,
  count: number,
  due: string,
  prefix = 'e',
) {
  const people = Array.from({ length: count }, (_, k) => elder(from + k, prefix));
  const timers = new DynamoTimers(doc, table);
  const timerItems = people.map((p) => {
    const t: Timer = {
      id: timerIds.prompt(p.id),
      kind: 'prompt',
      due,
      data: { elderId: p.id, localDate: due.slice(0, 10) },
    };
    return timers.item(t);
  });
  const identities = people.map((p) => ({
    ...keys.identity(p.channels[0]!),
    entity: 'identity',
    personId: p.id,
  }));
  await batchPut(doc, table, [...people.map(personItem), ...identities, ...timerItems]);
  return people;
}

/** A virtual time source: the sender's pacing and backoff waits advance it instantly. */
export function virtualTime(start: Date) {
  let now = start.getTime();
  return {
    now: () => now,
    sleep: async (ms: number) => void (now += ms),
    set: (d: Date) => void (now = d.getTime()),
  };
}

/** A runtime (one "Lambda") on the table and the fake Bot API. */
export function lambda(
  doc: DynamoDBDocumentClient,
  table: string,
  api: FakeBotApi,
  start: Date,
  sender = {},
): Runtime {
  const time = virtualTime(start);
  return createRuntime({
    doc,
    table,
    network,
    token: api.token,
    apiRoot: api.apiRoot,
    botInfo: botInfoFrom(api.token, 'vicini_test_bot'),
    clock: { now: () => new Date(time.now()) },
    time,
    sender: { callTimeoutMs: 2000, ...sender },
  });
}

/** Successful sendMessage calls per chat whose text matches. */
export function okSendsByChat(api: FakeBotApi, text: RegExp): Map<number, number> {
  const counts = new Map<number, number>();
  for (const c of api.callsTo('sendMessage')) {
    if (!c.ok || !text.test(String(c.params.text))) continue;
    const chat = Number(c.params.chat_id);
    counts.set(chat, (counts.get(chat) ?? 0) + 1);
  }
  return counts;
}
