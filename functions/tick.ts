import { z } from 'zod';
import { envParts, parseEnv } from '../bot/config.js';
import { botInfoFrom } from '../bot/channels/telegram/bot.js';
import { loadNetworkFile } from '../bot/network.js';
import { createRuntime } from '../bot/runtime.js';
import { createDocumentClient } from '../bot/store/client.js';

// Parsed once per cold start; a bad variable fails here, naming each one.
const env = parseEnv({
  ...envParts.store,
  ...envParts.network,
  ...envParts.telegram,
  ...envParts.telegramUsername,
});
const runtime = createRuntime({
  doc: createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
  table: env.TABLE_NAME,
  network: loadNetworkFile(env.NETWORK_FILE),
  token: env.TELEGRAM_BOT_TOKEN,
  apiRoot: env.TELEGRAM_API_ROOT,
  botInfo: botInfoFrom(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_BOT_USERNAME),
});

const scheduledEvent = z.looseObject({ time: z.iso.datetime() });

/** EventBridge scheduled event, every minute: *now* is the event's `time`, not the clock. */
export async function handler(event: unknown) {
  const parsed = scheduledEvent.safeParse(event);
  if (!parsed.success) throw new Error('tick: not a scheduled event with a time');
  const report = await runtime.tick(new Date(parsed.data.time));
  console.log(JSON.stringify({ msg: 'tick', ...report }));
  return report;
}
