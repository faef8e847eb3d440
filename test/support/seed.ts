import { batchWriteAll } from '../../bot/adapters/store/batch.js';
import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Person } from '../../bot/domain/person.js';
import { timerIds, type Timer } from '../../bot/domain/timer.js';
import { type Network } from '../../bot/domain/network.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { createRuntime, type Runtime } from '../../bot/main/runtime.js';
import { personItem } from '../../bot/adapters/store/dynamo-store.js';
import { DynamoTimers } from '../../bot/adapters/store/dynamo-timers.js';
import { keys } from '../../bot/adapters/store/keys.js';
import type { FakeBotApi } from './fake-bot-api.js';
import { botInfoFrom } from '../../bot/adapters/channels/telegram/bot.js';

export const network: Network = loadNetworkFile('network/brescia.json');

/** Writes items in batches of 25, `parallel` batches at a time. */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
  parallel = 16,
) {
  await batchWriteAll(
    doc,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    { parallel },
  );
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
