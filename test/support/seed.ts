import { batchWriteAll } from '../../bot/adapters/store/batch.js';
import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Network } from '../../bot/domain/network.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { createRuntime, type Runtime } from '../../bot/main/runtime.js';
import type { FakeBotApi } from './fake-bot-api.js';
import { botInfoFrom } from '../../bot/adapters/channels/telegram/bot.js';
import { VirtualTime } from './virtual-time.js';

export { chatOf, elder, seedElders } from '../../bench/support/elders.js';

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

/** A runtime (one "Lambda") on the table and the fake Bot API. */
export function lambda(
  doc: DynamoDBDocumentClient,
  table: string,
  api: FakeBotApi,
  start: Date,
  sender = {},
): Runtime {
  const clock = new VirtualTime(start);
  return createRuntime({
    doc,
    table,
    network,
    token: api.token,
    apiRoot: api.apiRoot,
    botInfo: botInfoFrom(api.token, 'vicini_test_bot'),
    clock,
    time: clock.time,
    sender: { callTimeoutMs: 2000, ...sender },
  });
}

/** Successful sendMessage calls per chat whose text matches. */
/**
 * How many times each chat was told something matching `text` by successful sends: a digest counts
 * once per line that matches (several alert cards to one mediator go as the lines of one message).
 */
export function okLinesByChat(api: FakeBotApi, text: RegExp): Map<number, number> {
  const counts = new Map<number, number>();
  const every = new RegExp(text.source, text.flags.includes('g') ? text.flags : `${text.flags}g`);
  for (const c of api.callsTo('sendMessage')) {
    if (!c.ok) continue;
    const found = String(c.params.text).match(every)?.length ?? 0;
    if (!found) continue;
    const chat = Number(c.params.chat_id);
    counts.set(chat, (counts.get(chat) ?? 0) + found);
  }
  return counts;
}

export function okSendsByChat(api: FakeBotApi, text: RegExp): Map<number, number> {
  const counts = new Map<number, number>();
  for (const c of api.callsTo('sendMessage')) {
    if (!c.ok || !text.test(String(c.params.text))) continue;
    const chat = Number(c.params.chat_id);
    counts.set(chat, (counts.get(chat) ?? 0) + 1);
  }
  return counts;
}
