/**
 * The three loops every DynamoDB adapter needs, written once: a query read to
 * its last page, and batch writes and reads that retry the items DynamoDB
 * left unprocessed (throttling) with backoff instead of at once.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { exponentialBackoff, type Backoff } from '../../core/backoff.js';

type Item = Record<string, unknown>;
export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

export const batchLimits = { write: 25, get: 100 } as const;

export interface BatchOptions {
  /** Waits between rounds of unprocessed items. */
  backoff?: Backoff;
  sleep?: (ms: number) => Promise<void>;
  /** Batches sent at once. */
  parallel?: number;
  /** Strongly consistent reads (a turn reads what the last turn committed). */
  consistent?: boolean;
}

const unprocessedBackoff = exponentialBackoff(50, 2_000);
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class UnprocessedItemsError extends Error {
  override name = 'UnprocessedItemsError';
}
const maxRounds = 10;

function chunks<T>(all: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size));
  return out;
}

async function inParallel<T>(
  batches: T[][],
  parallel: number,
  run: (batch: T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < batches.length; i += parallel)
    await Promise.all(batches.slice(i, i + parallel).map(run));
}

/**
 * Every page of a query (or of an index query), in order; with `limit`, only its first `limit`
 * items (each page asks for what is still wanted, so no more than that many are read).
 */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  limit?: number,
): Promise<NonNullable<QueryCommandOutput['Items']>> {
  const items: NonNullable<QueryCommandOutput['Items']> = [];
  let start: Item | undefined;
  do {
    const wanted = limit === undefined ? {} : { Limit: limit - items.length };
    const got = await doc.send(new QueryCommand({ ...input, ...wanted, ExclusiveStartKey: start }));
    items.push(...(got.Items ?? []));
    start = got.LastEvaluatedKey;
  } while (start && (limit === undefined || items.length < limit));
  return items;
}

/** Puts and deletes in batches of 25; unprocessed items are sent again after a backoff. */
export async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
  options: BatchOptions = {},
): Promise<void> {
  const backoff = options.backoff ?? unprocessedBackoff;
  const sleep = options.sleep ?? realSleep;
  await inParallel(chunks(requests, batchLimits.write), options.parallel ?? 1, async (batch) => {
    let pending: WriteRequest[] = batch;
    for (let round = 1; pending.length > 0; round++) {
      if (round > maxRounds)
        throw new UnprocessedItemsError(
          `${pending.length} writes still unprocessed after ${maxRounds} rounds`,
        );
      if (round > 1) await sleep(backoff(round - 1));
      const got = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (got.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  });
}

/** Gets by key in batches of 100; unprocessed keys are asked again after a backoff. Order is not kept. */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: Item[],
  options: BatchOptions = {},
): Promise<Item[]> {
  const backoff = options.backoff ?? unprocessedBackoff;
  const sleep = options.sleep ?? realSleep;
  const found: Item[] = [];
  await inParallel(chunks(keys, batchLimits.get), options.parallel ?? 1, async (batch) => {
    let pending: Item[] = batch;
    for (let round = 1; pending.length > 0; round++) {
      if (round > maxRounds)
        throw new UnprocessedItemsError(`${pending.length} keys still unprocessed after ${maxRounds} rounds`);
      if (round > 1) await sleep(backoff(round - 1));
      const got = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      found.push(...(got.Responses?.[table] ?? []));
      pending = (got.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
    }
  });
  return found;
}
