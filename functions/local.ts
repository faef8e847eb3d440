import { join } from 'node:path';
import { z } from 'zod';
import { envParts, parseEnv } from '../bot/config.js';
import { setCommandMenus } from '../bot/channels/telegram/commands.js';
import { loadNetworkFile } from '../bot/network.js';
import { createRuntime } from '../bot/runtime.js';
import { createDocumentClient } from '../bot/store/client.js';
import { startDynamoLocal } from '../bot/store/dynamo-local.js';
import { initTable } from '../bot/store/init-table.js';

/** `npm start`: the whole bot in one process, on DynamoDB Local kept under .local/, long-polling Telegram. */
const local = {
  LOCAL_DATA_DIR: z.string().default('.local'),
  LOCAL_DYNAMODB_PORT: z.coerce.number().int().min(0).max(65535).default(8000),
};
if (!process.env.TELEGRAM_BOT_TOKEN) {
  console.error(
    [
      'Vicini needs a Telegram bot to talk through. Set:',
      '  TELEGRAM_BOT_TOKEN=<the token @BotFather gives you for a new bot>',
      'and optionally TELEGRAM_API_ROOT=<a self-hosted or test Bot API root>, then run `npm start` again.',
    ].join('\n'),
  );
  process.exit(1);
}
try {
  const env = parseEnv({ ...envParts.store, ...envParts.network, ...envParts.telegram, ...local });
  const network = loadNetworkFile(env.NETWORK_FILE);
  const dynamo = await startDynamoLocal({
    port: env.LOCAL_DYNAMODB_PORT,
    dataDir: join(env.LOCAL_DATA_DIR, 'dynamodb'),
  });
  const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: dynamo.endpoint });
  await initTable(doc, env.TABLE_NAME);
  const runtime = createRuntime({
    doc,
    table: env.TABLE_NAME,
    network,
    token: env.TELEGRAM_BOT_TOKEN,
    apiRoot: env.TELEGRAM_API_ROOT,
    autoDrain: true,
  });
  const { bot } = runtime;
  bot.catch((err) =>
    console.error(JSON.stringify({ msg: 'update failed', update_id: err.ctx.update.update_id })),
  );
  await bot.init();
  await setCommandMenus(bot.api);
  // The per-minute tick, as EventBridge runs it on AWS.
  const tick = setInterval(() => {
    runtime
      .tick(new Date())
      .catch((err) => console.error(JSON.stringify({ msg: 'tick failed', error: String(err) })));
  }, 60_000);
  const stop = async () => {
    clearInterval(tick);
    await bot.stop();
    await dynamo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  console.log(
    `DynamoDB Local on ${dynamo.endpoint} (data in ${env.LOCAL_DATA_DIR}/dynamodb), table ${env.TABLE_NAME}.`,
  );
  console.log(
    `Vicini is running as @${bot.botInfo.username}: open https://t.me/${bot.botInfo.username} and send /start.`,
  );
  await bot.start({
    drop_pending_updates: false,
    allowed_updates: ['message', 'callback_query', 'my_chat_member'],
  });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
