import { envParts, parseEnv } from '../bot/config.js';
import { botInfoFrom } from '../bot/channels/telegram/bot.js';
import { handleWebhook } from '../bot/channels/telegram/webhook.js';
import { loadNetworkFile } from '../bot/network.js';
import { createRuntime } from '../bot/runtime.js';
import { createDocumentClient } from '../bot/store/client.js';
import { systemClock } from '../bot/system.js';

// Parsed once per cold start; a bad variable fails here, naming each one.
const env = parseEnv({
  ...envParts.store,
  ...envParts.network,
  ...envParts.telegram,
  ...envParts.telegramUsername,
  ...envParts.webhook,
});
const { bot, deps, outbox } = createRuntime({
  doc: createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
  table: env.TABLE_NAME,
  network: loadNetworkFile(env.NETWORK_FILE),
  token: env.TELEGRAM_BOT_TOKEN,
  apiRoot: env.TELEGRAM_API_ROOT,
  botInfo: botInfoFrom(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_BOT_USERNAME),
});

/** Lambda Function URL / API Gateway v2 entry point for Telegram's webhook. */
export async function handler(event: {
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}) {
  return handleWebhook(
    { headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
    {
      bot,
      store: deps.store,
      clock: systemClock,
      secret: env.TELEGRAM_WEBHOOK_SECRET,
      afterUpdate: () => outbox.drain(),
    },
  );
}
