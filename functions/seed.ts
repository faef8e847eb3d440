import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { envParts, parseEnv } from '../bot/config/env.js';
import { botInfoFrom } from '../bot/adapters/channels/telegram/bot.js';
import { loadNetworkFile } from '../bot/config/network.js';
import { createRuntime } from '../bot/main/runtime.js';
import { createDocumentClient, localCredentials } from '../bot/adapters/store/client.js';
import { startDynamoLocal } from '../bot/adapters/store/dynamo-local.js';
import { emptyTable, seedDemo } from '../simulator/demo.js';
import { clockFileName, localEnv } from '../simulator/env.js';
import { explain, quietSdkNotice } from './cli.js';

quietSdkNotice();

/**
 * `npm run seed`: the demo network as new. When `npm start`'s simulator is
 * running, it resets there (chats and clock too); otherwise the local table is
 * emptied and the demo written into it.
 */
const env = parseEnv({ ...envParts.store, ...envParts.network, ...localEnv });
try {
  const reset = await fetch(`http://127.0.0.1:${env.SIMULATOR_PORT}/sim/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(60_000),
  }).catch(() => undefined);
  if (reset?.ok) {
    console.log(`The simulator on port ${env.SIMULATOR_PORT} reset the demo (its page follows).`);
    process.exit(0);
  }
  const running = `http://127.0.0.1:${env.LOCAL_DYNAMODB_PORT}`;
  const alreadyRunning = await answers(running);
  const dynamo = alreadyRunning
    ? { endpoint: running, stop: async () => undefined }
    : await startDynamoLocal({
        port: env.LOCAL_DYNAMODB_PORT,
        dataDir: join(env.LOCAL_DATA_DIR, 'dynamodb'),
      });
  const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: dynamo.endpoint });
  await emptyTable(doc, env.TABLE_NAME);
  const token = '1:seed-sends-nothing-at-all';
  const { deps } = createRuntime({
    doc,
    table: env.TABLE_NAME,
    network: loadNetworkFile(env.NETWORK_FILE),
    token,
    botInfo: botInfoFrom(token, 'vicini_demo_bot'),
  });
  const written = await seedDemo(deps, new Date());
  await rm(join(env.LOCAL_DATA_DIR, clockFileName), { force: true });
  await dynamo.stop();
  console.log(`Table ${env.TABLE_NAME} emptied and the demo network written (${written} people).`);
  if (alreadyRunning) {
    console.log(`DynamoDB Local was already running: restart the \`npm start\` that uses it.`);
  }
} catch (err) {
  console.error(explain(err, { table: env.TABLE_NAME }));
  process.exit(1);
}

/** Whether a DynamoDB Local (another `npm start`) already listens there. */
async function answers(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({ region: env.AWS_REGION, endpoint, credentials: localCredentials });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
