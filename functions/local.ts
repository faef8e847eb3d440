import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { envParts, parseEnv } from '../bot/config/env.js';
import { setCommandMenus } from '../bot/adapters/channels/telegram/commands.js';
import { type Network } from '../bot/domain/network.js';
import { loadNetworkFile } from '../bot/config/network.js';
import { createRuntime } from '../bot/main/runtime.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { startDynamoLocal } from '../bot/adapters/store/dynamo-local.js';
import { initTable } from '../bot/adapters/store/init-table.js';
import { rekeyCells } from '../bot/adapters/store/rekey-cells.js';
import { clockFileName, localEnv } from '../simulator/env.js';
import { startSimulation } from '../simulator/start.js';
import { explain, quietSdkNotice } from './cli.js';

quietSdkNotice();

/**
 * `npm start`: the whole bot in one process, on DynamoDB Local kept under .local/.
 * With TELEGRAM_BOT_TOKEN it long-polls Telegram; without, it long-polls the
 * chat simulator, whose page plays every person of a demo network.
 */
const allowedUpdates = ['message', 'callback_query', 'my_chat_member'] as const;

interface Ready {
  doc: DynamoDBDocumentClient;
  table: string;
  network: Network;
  env: ReturnType<typeof parseEnv<typeof localEnv>>;
}

async function telegram({ doc, table, network }: Ready): Promise<() => Promise<void>> {
  const env = parseEnv(envParts.telegram);
  const runtime = createRuntime({
    doc,
    table,
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
  console.log(
    `Vicini is running as @${bot.botInfo.username}: open https://t.me/${bot.botInfo.username} and send /start.`,
  );
  bot.start({ drop_pending_updates: false, allowed_updates: [...allowedUpdates] }).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
  return async () => {
    clearInterval(tick);
    await bot.stop();
  };
}

async function simulator({ doc, table, network, env }: Ready): Promise<() => Promise<void>> {
  const sim = await startSimulation({
    doc,
    table,
    network,
    port: env.SIMULATOR_PORT,
    host: env.SIMULATOR_HOST,
    clockFile: join(env.LOCAL_DATA_DIR, clockFileName),
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    throw new Error(`Port ${env.SIMULATOR_PORT} is taken: set SIMULATOR_PORT to another (0: any free port).`);
  });
  console.log(
    [
      'No TELEGRAM_BOT_TOKEN: running the chat simulator, with a demo network (an elder, a relative,',
      'three volunteers and a mediator). Open this page in your browser:',
      '',
      `  ${sim.url}`,
      '',
      'With a bot token from @BotFather, `TELEGRAM_BOT_TOKEN=<token> npm start` uses Telegram instead.',
    ].join('\n'),
  );
  return () => sim.stop();
}

let dynamo: Awaited<ReturnType<typeof startDynamoLocal>> | undefined;
try {
  const env = parseEnv({ ...envParts.store, ...envParts.network, ...localEnv });
  const network = loadNetworkFile(env.NETWORK_FILE);
  dynamo = await startDynamoLocal({
    port: env.LOCAL_DYNAMODB_PORT,
    dataDir: join(env.LOCAL_DATA_DIR, 'dynamodb'),
  });
  const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: dynamo.endpoint });
  await initTable(doc, env.TABLE_NAME);
  // As db:init does: volunteers kept from an earlier version get the geo-index keys this one reads.
  await rekeyCells(doc, env.TABLE_NAME, new Date());
  console.log(
    [
      `DynamoDB Local on ${dynamo.endpoint} (data in ${env.LOCAL_DATA_DIR}/dynamodb), table ${env.TABLE_NAME}.`,
      `Other commands reach it with DYNAMODB_ENDPOINT=${dynamo.endpoint}, e.g. a mediator's invite:`,
      `  DYNAMODB_ENDPOINT=${dynamo.endpoint} TELEGRAM_BOT_USERNAME=<bot> npm run admin -- invite-mediator --zone <zone>`,
    ].join('\n'),
  );
  const ready = { doc, table: env.TABLE_NAME, network, env };
  const stopBot = process.env.TELEGRAM_BOT_TOKEN ? await telegram(ready) : await simulator(ready);
  const stop = async () => {
    await stopBot();
    await dynamo?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (err) {
  console.error(explain(err));
  await dynamo?.stop();
  process.exit(1);
}
