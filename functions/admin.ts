import { parseArgs } from 'node:util';
import { createMediatorInvite, setNetworkAdmin } from '../bot/app/people/admin.js';
import { backfillPeople } from '../bot/app/figures/backfill.js';
import { envParts, parseEnv } from '../bot/config/env.js';
import { invitePayload } from '../bot/domain/invite.js';
import type { ChannelRef } from '../bot/domain/person.js';
import { loadNetworkFile } from '../bot/config/network.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { DynamoStore } from '../bot/adapters/store/dynamo-store.js';
import { DynamoFigures } from '../bot/adapters/store/dynamo-figures.js';
import { randomIds, systemClock } from '../bot/adapters/system.js';
import { localEnv } from '../simulator/env.js';
import { explain, localClock, quietSdkNotice } from './cli.js';

quietSdkNotice();

const usage = [
  'Usage: npm run admin -- invite-mediator --zone <zone> [--hours <hours>]',
  '       npm run admin -- network-admin (--telegram <user id> | --whatsapp <number>) [--revoke]',
  '       npm run admin -- figures-backfill',
].join('\n');

/**
 * The admin CLI: `invite-mediator` prints a single-use, expiring deep link for a zone's mediator;
 * `network-admin` makes an onboarded mediator the network's admin (or, with --revoke, no longer);
 * `figures-backfill` counts the people of every zone by role and sets the figures' counters to it.
 * Against DynamoDB Local it keeps the simulator's time, which may run ahead of real time.
 */
let where: { endpoint?: string; table?: string } = {};
try {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      zone: { type: 'string' },
      hours: { type: 'string' },
      telegram: { type: 'string' },
      whatsapp: { type: 'string' },
      revoke: { type: 'boolean' },
    },
  });
  const command = positionals[0];
  const hours = values.hours === undefined ? undefined : Number(values.hours);
  const ref: ChannelRef | null = values.telegram
    ? { channel: 'telegram', id: values.telegram.trim() }
    : values.whatsapp
      ? { channel: 'whatsapp', id: values.whatsapp.replace(/\D/g, '') }
      : null;
  const inviting = command === 'invite-mediator' && values.zone;
  if (
    !(
      inviting ||
      command === 'figures-backfill' ||
      (command === 'network-admin' && ref?.id && !(values.telegram && values.whatsapp))
    ) ||
    (hours !== undefined && !(hours > 0 && hours <= 720))
  ) {
    throw new Error(usage);
  }
  const env = parseEnv({
    ...envParts.store,
    ...envParts.network,
    ...(inviting ? envParts.telegramUsername : {}),
    LOCAL_DATA_DIR: localEnv.LOCAL_DATA_DIR,
  });
  where = { endpoint: env.DYNAMODB_ENDPOINT, table: env.TABLE_NAME };
  const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const store = new DynamoStore(doc, env.TABLE_NAME);
  const network = loadNetworkFile(env.NETWORK_FILE);
  const clock = env.DYNAMODB_ENDPOINT ? await localClock(env.LOCAL_DATA_DIR) : systemClock;
  try {
    if (inviting) {
      const invite = await createMediatorInvite(
        { store, network, clock, ids: randomIds },
        values.zone!,
        hours,
      );
      console.log(`Mediator invite for zone ${values.zone}, single use, valid until ${invite.expiresAt}:`);
      console.log(`https://t.me/${env.TELEGRAM_BOT_USERNAME}?start=${invitePayload(invite)}`);
    } else if (command === 'figures-backfill') {
      const figures = new DynamoFigures(doc, env.TABLE_NAME, () => clock.now());
      const counts = await backfillPeople({ store, figures, network });
      console.log('People by role, counted and set (running it again sets the same):');
      for (const [area, roles] of counts) {
        const line = Object.entries(roles).map(([role, n]) => `${role} ${n}`);
        console.log(`  ${area === '*' ? 'network' : `zone ${area}`}: ${line.join(', ')}`);
      }
    } else {
      const on = !values.revoke;
      const { zoneId, changed } = await setNetworkAdmin({ store }, ref!, on);
      const said = on
        ? changed
          ? 'is now a network admin'
          : 'was a network admin already'
        : changed
          ? 'is no longer a network admin'
          : 'was not a network admin';
      console.log(`The mediator of zone ${zoneId} ${said}.`);
    }
  } finally {
    doc.destroy();
  }
} catch (err) {
  console.error(explain(err, where));
  process.exitCode = 1;
}
