import { z } from 'zod';
import { createDocumentClient } from '../bot/store/client.js';
import { initTable } from '../bot/store/init-table.js';

const blankAsUnset = (value: unknown) => (value === '' ? undefined : value);
const Env = z.object({
  TABLE_NAME: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/)
      .default('vicini'),
  ),
  AWS_REGION: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/)
      .default('eu-south-1'),
  ),
  DYNAMODB_ENDPOINT: z.preprocess(blankAsUnset, z.url({ protocol: /^https?$/ }).optional()),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`Invalid ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
const doc = createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
try {
  const result = await initTable(doc, env.TABLE_NAME);
  console.log(`Table ${env.TABLE_NAME}: ${result === 'created' ? 'created' : 'already exists'}`);
} catch (err) {
  console.error(`Could not initialise table ${env.TABLE_NAME}:`, err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  doc.destroy();
}
