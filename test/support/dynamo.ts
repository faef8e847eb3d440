import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '../../bot/adapters/store/client.js';
import { initTable } from '../../bot/adapters/store/init-table.js';

export const testRegion = 'eu-south-1';

/** A fresh, uniquely named table on the run's DynamoDB Local, so test files never share data. */
export async function testTable(): Promise<{
  tableName: string;
  doc: DynamoDBDocumentClient;
  endpoint: string;
}> {
  const endpoint = inject('dynamoEndpoint');
  const doc = createDocumentClient({ region: testRegion, endpoint });
  const tableName = uniqueTableName();
  await initTable(doc, tableName);
  return { tableName, doc, endpoint };
}

export function uniqueTableName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export interface CallCounter {
  /** Calls per command name, e.g. `{ QueryCommand: 2 }`. */
  counts: Record<string, number>;
  total(): number;
  reset(): void;
}

/**
 * Counts every command `doc` sends from now on (the middleware goes on the client's own stack,
 * which the document client shares with the low-level client it wraps).
 */
export function countingClient(doc: DynamoDBDocumentClient): CallCounter {
  const counts: Record<string, number> = {};
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize' },
  );
  return {
    counts,
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      for (const name of Object.keys(counts)) delete counts[name];
    },
  };
}
