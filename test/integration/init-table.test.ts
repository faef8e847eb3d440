import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { createDocumentClient } from '../../bot/adapters/store/client.js';
import { initTable } from '../../bot/adapters/store/init-table.js';
import { startDynamoLocal } from '../../bot/adapters/store/dynamo-local.js';
import { index, tableDefinition } from '../../bot/adapters/store/table.js';
import { countingClient, testRegion, uniqueTableName } from '../support/dynamo.js';

const allIndexes = Object.values(index).sort();

describe('initTable', () => {
  let doc: DynamoDBDocumentClient;
  beforeAll(() => {
    doc = createDocumentClient({ region: testRegion, endpoint: inject('dynamoEndpoint') });
  });
  afterAll(() => doc.destroy());

  const describeTable = async (tableName: string) =>
    (await doc.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  const indexNames = async (tableName: string) =>
    ((await describeTable(tableName))?.GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName).sort();
  const ttl = async (tableName: string) =>
    (await doc.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;

  it('creates the table with the three GSIs and TTL on `ttl`', async () => {
    const tableName = uniqueTableName();
    expect(await initTable(doc, tableName)).toBe('created');

    const table = await describeTable(tableName);
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(await indexNames(tableName)).toEqual(allIndexes);
    expect(await ttl(tableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
  });

  it('is idempotent: a second run returns "exists" and only reads', async () => {
    const tableName = uniqueTableName();
    await initTable(doc, tableName);
    const before = await describeTable(tableName);

    const calls = countingClient(doc);
    expect(await initTable(doc, tableName)).toBe('exists');
    expect(Object.keys(calls.counts).sort()).toEqual(['DescribeTableCommand', 'DescribeTimeToLiveCommand']);

    expect(await describeTable(tableName)).toEqual(before);
    expect(await ttl(tableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
  });

  it('adds a GSI the existing table lacks', async () => {
    // Its own DynamoDB Local: on the shared one, busy with the whole suite, a GSI backfill can stall.
    const own = await startDynamoLocal({ lightJvm: true });
    const doc = createDocumentClient({ region: testRegion, endpoint: own.endpoint });
    const describeTable = async (tableName: string) =>
      (await doc.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    const indexNames = async (tableName: string) =>
      ((await describeTable(tableName))?.GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName).sort();
    const ttl = async (tableName: string) =>
      (await doc.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
    onTestFinished(async () => {
      doc.destroy();
      await own.stop();
    });
    const tableName = uniqueTableName();
    const definition = tableDefinition(tableName);
    await doc.send(
      new CreateTableCommand({
        ...definition,
        AttributeDefinitions: definition.AttributeDefinitions?.filter(
          (a) => !a.AttributeName?.startsWith('GSI3'),
        ),
        GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes?.filter(
          (gsi) => gsi.IndexName !== index.byCell,
        ),
      }),
    );
    expect(await indexNames(tableName)).toEqual([index.byList, index.byDue].sort());

    expect(await initTable(doc, tableName)).toBe('exists');
    expect(await indexNames(tableName)).toEqual(allIndexes);
    const gsi3 = (await describeTable(tableName))?.GlobalSecondaryIndexes?.find(
      (g) => g.IndexName === index.byCell,
    );
    expect(gsi3?.IndexStatus).toBe('ACTIVE');
    expect(gsi3?.KeySchema).toEqual(
      definition.GlobalSecondaryIndexes?.find((g) => g.IndexName === index.byCell)?.KeySchema,
    );
    expect(await ttl(tableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
  }, 120_000);
});
