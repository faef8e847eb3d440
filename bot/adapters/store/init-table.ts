import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { attr, tableDefinition } from './table.js';

const ACTIVE_TIMEOUT_MS = 15 * 60_000; // GSI backfill on AWS can take minutes

/**
 * Makes sure the table exists as `tableDefinition` describes it: creates it when missing,
 * adds any missing GSI (one at a time), and enables TTL on `ttl`. Safe to run repeatedly.
 * Returns 'created' when the table was created by this call, 'exists' otherwise.
 */
export async function initTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
): Promise<'created' | 'exists'> {
  // The document client shares the low-level client's config and middleware; both send these commands.
  const ddb = client as DynamoDBClient;
  const definition = tableDefinition(tableName);

  let result: 'created' | 'exists' = 'exists';
  if (!(await describeTable(ddb, tableName))) {
    try {
      await ddb.send(new CreateTableCommand(definition));
      result = 'created';
    } catch (err) {
      if (errorName(err) !== 'ResourceInUseException') throw err; // created concurrently
    }
  }
  let table = await waitUntilActive(ddb, tableName);

  for (const gsi of definition.GlobalSecondaryIndexes ?? []) {
    if (table.GlobalSecondaryIndexes?.some((existing) => existing.IndexName === gsi.IndexName)) continue;
    await ddb.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: keyAttributes(gsi, definition.AttributeDefinitions ?? []),
        GlobalSecondaryIndexUpdates: [{ Create: gsi }],
      }),
    );
    table = await waitUntilActive(ddb, tableName);
  }

  await enableTtl(ddb, tableName);
  return result;
}

async function describeTable(ddb: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** Polls until the table and all its GSIs are ACTIVE. */
async function waitUntilActive(ddb: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  let delay = 100;
  for (;;) {
    const table = await describeTable(ddb, tableName);
    const active =
      table?.TableStatus === 'ACTIVE' &&
      (table.GlobalSecondaryIndexes ?? []).every((gsi) => gsi.IndexStatus === 'ACTIVE');
    if (table && active) return table;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} is not ACTIVE after ${ACTIVE_TIMEOUT_MS / 60_000} minutes`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 5_000);
  }
}

function keyAttributes(gsi: GlobalSecondaryIndex, all: AttributeDefinition[]): AttributeDefinition[] {
  const names = new Set((gsi.KeySchema ?? []).map((key) => key.AttributeName));
  return all.filter((definition) => names.has(definition.AttributeName));
}

async function enableTtl(ddb: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await ddb.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  const status = ttl?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') {
    if (ttl?.AttributeName === attr.ttl) return;
    throw new Error(`Table ${tableName} has TTL on "${ttl?.AttributeName}", expected "${attr.ttl}"`);
  }
  try {
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attr.ttl, Enabled: true },
      }),
    );
  } catch (err) {
    const alreadyEnabled =
      errorName(err) === 'ValidationException' && /already enabled/i.test((err as Error).message);
    if (!alreadyEnabled) throw err;
  }
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}
