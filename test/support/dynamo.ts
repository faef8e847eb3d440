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
  /** Items the calls answered with (a query's `Items`), per command name, e.g. `{ QueryCommand: 48 }`. */
  items: Record<string, number>;
  total(): number;
  reset(): void;
}

/**
 * Counts every command `doc` sends from now on (the middleware goes on the client's own stack,
 * which the document client shares with the low-level client it wraps), and the items they read.
 */
export function countingClient(doc: DynamoDBDocumentClient): CallCounter {
  const counts: Record<string, number> = {};
  const items: Record<string, number> = {};
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts[name] = (counts[name] ?? 0) + 1;
      const result = await next(args);
      const read = (result.output as { Items?: unknown[] }).Items;
      if (read) items[name] = (items[name] ?? 0) + read.length;
      return result;
    },
    { step: 'initialize' },
  );
  return {
    counts,
    items,
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      for (const name of Object.keys(counts)) delete counts[name];
      for (const name of Object.keys(items)) delete items[name];
    },
  };
}

export interface FaultInjector {
  /** Fails the n-th call sent from now on (1 = the next one); 0 disarms. */
  failAt(n: number): void;
  /** Calls seen since the last `failAt` (or creation). */
  readonly seen: number;
  /** Whether the armed fault has fired. */
  readonly fired: boolean;
  /** The command of each call seen since the last `failAt`. */
  readonly names: string[];
  /** Holds every call of `command` (e.g. 'UpdateItemCommand') from now until the returned release is called. */
  hold(command: string): () => void;
  /** Calls held now. */
  readonly holding: number;
  /**
   * Fails the `nth` call from now on that `match` picks by its command and input (e.g. the second
   * claim of the delivery log), and the `times - 1` picked after it (default once); `failAt(0)`
   * disarms it too.
   */
  failOn(
    match: (command: string, input: Record<string, unknown>) => boolean,
    nth?: number,
    times?: number,
  ): void;
}

/**
 * Fails one chosen DynamoDB call, as a throttle or a 500 would, before it
 * reaches DynamoDB Local (on the client's own stack, before the SDK's retries).
 */
export function failingClient(doc: DynamoDBDocumentClient): FaultInjector {
  let target = 0;
  let seen = 0;
  let fired = false;
  const names: string[] = [];
  const held = new Map<string, Promise<void>>();
  let holding = 0;
  let picked: {
    match: (command: string, input: Record<string, unknown>) => boolean;
    left: number;
    times: number;
  } | null = null;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      seen++;
      const command = context.commandName ?? 'unknown';
      names.push(command);
      const gate = held.get(command);
      if (gate) {
        holding++;
        await gate;
        holding--;
      }
      const chosen =
        !!picked && picked.match(command, args.input as Record<string, unknown>) && --picked.left <= 0;
      if (chosen && --picked!.times === 0) picked = null;
      if ((target && seen === target) || chosen) {
        fired = true;
        const err = new Error(`injected fault in ${context.commandName ?? 'a call'}`);
        err.name = 'InternalServerError';
        throw err;
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return {
    failOn(match, nth = 1, times = 1) {
      picked = { match, left: nth, times };
      fired = false;
    },
    failAt(n) {
      picked = null;
      target = n;
      seen = 0;
      fired = false;
      names.length = 0;
    },
    get seen() {
      return seen;
    },
    get fired() {
      return fired;
    },
    names,
    hold(command) {
      let release!: () => void;
      held.set(command, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        held.delete(command);
        release();
      };
    },
    get holding() {
      return holding;
    },
  };
}
