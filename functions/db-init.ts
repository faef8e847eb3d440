import { envParts, parseEnv } from '../bot/config/env.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { initTable } from '../bot/adapters/store/init-table.js';

/** `npm run db:init`: creates the table (idempotent) wherever DYNAMODB_ENDPOINT or AWS points. */
try {
  const env = parseEnv(envParts.store);
  const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  try {
    const result = await initTable(doc, env.TABLE_NAME);
    console.log(`Table ${env.TABLE_NAME}: ${result === 'created' ? 'created' : 'already exists'}`);
  } finally {
    doc.destroy();
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
