import { parseArgs } from 'node:util';
import { createMediatorInvite } from '../bot/app/people/admin.js';
import { envParts, parseEnv } from '../bot/config/env.js';
import { invitePayload } from '../bot/domain/invite.js';
import { loadNetworkFile } from '../bot/config/network.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { DynamoStore } from '../bot/adapters/store/dynamo-store.js';
import { randomIds, systemClock } from '../bot/adapters/system.js';
import { localEnv } from '../simulator/env.js';
import { explain, localClock, quietSdkNotice } from './cli.js';

quietSdkNotice();

const usage = `Usage: npm run admin -- invite-mediator --zone <zone> [--hours <hours>]`;

/**
 * The admin CLI: `invite-mediator` prints a single-use, expiring deep link for a zone's mediator.
 * Against DynamoDB Local it keeps the simulator's time, which may run ahead of real time.
 */
let where: { endpoint?: string; table?: string } = {};
try {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { zone: { type: 'string' }, hours: { type: 'string' } },
  });
  const hours = values.hours === undefined ? undefined : Number(values.hours);
  if (
    positionals[0] !== 'invite-mediator' ||
    !values.zone ||
    (hours !== undefined && !(hours > 0 && hours <= 720))
  ) {
    throw new Error(usage);
  }
  const env = parseEnv({
    ...envParts.store,
    ...envParts.network,
    ...envParts.telegramUsername,
    LOCAL_DATA_DIR: localEnv.LOCAL_DATA_DIR,
  });
  where = { endpoint: env.DYNAMODB_ENDPOINT, table: env.TABLE_NAME };
  const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const store = new DynamoStore(doc, env.TABLE_NAME);
  const network = loadNetworkFile(env.NETWORK_FILE);
  const invite = await createMediatorInvite(
    {
      store,
      network,
      clock: env.DYNAMODB_ENDPOINT ? await localClock(env.LOCAL_DATA_DIR) : systemClock,
      ids: randomIds,
    },
    values.zone,
    hours,
  );
  doc.destroy();
  console.log(`Mediator invite for zone ${values.zone}, single use, valid until ${invite.expiresAt}:`);
  console.log(`https://t.me/${env.TELEGRAM_BOT_USERNAME}?start=${invitePayload(invite)}`);
} catch (err) {
  console.error(explain(err, where));
  process.exitCode = 1;
}
