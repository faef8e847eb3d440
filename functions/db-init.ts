import { envParts, parseEnv } from '../bot/config/env.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { initTable } from '../bot/adapters/store/init-table.js';
import { rekeyCells } from '../bot/adapters/store/rekey-cells.js';
import { explain, quietSdkNotice } from './cli.js';

quietSdkNotice();
let where: { endpoint?: string; table?: string } = {};

/**
 * `npm run db:init`: creates the table (idempotent) wherever DYNAMODB_ENDPOINT or AWS points, and
 * re-keys volunteers whose geo-index keys an earlier version wrote (README, "Upgrading").
 */
try {
  const env = parseEnv(envParts.store);
  where = { endpoint: env.DYNAMODB_ENDPOINT, table: env.TABLE_NAME };
  const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  try {
    const result = await initTable(doc, env.TABLE_NAME);
    console.log(`Table ${env.TABLE_NAME}: ${result === 'created' ? 'created' : 'already exists'}`);
    const { scanned, rekeyed } = await rekeyCells(doc, env.TABLE_NAME, new Date());
    console.log(`Geo index: ${scanned} volunteers, ${rekeyed} re-keyed`);
  } finally {
    doc.destroy();
  }
} catch (err) {
  console.error(explain(err, where));
  process.exitCode = 1;
}
