import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { attr } from './table.js';

/** Epoch seconds, as DynamoDB's TTL wants them. */
export const epoch = (d: Date): number => Math.floor(d.getTime() / 1000);

/** How long someone who never finishes onboarding stays (PRODUCT.md, Retention). */
export const strangerDays = 30;

/** A never-onboarded person's TTL: 30 days after they first wrote; none once onboarded. */
export function strangerTtl(person: { createdAt: string; onboardedAt?: string }): number | undefined {
  if (person.onboardedAt) return undefined;
  return epoch(new Date(person.createdAt)) + strangerDays * 86400;
}

/** The table's own attributes (keys, index keys, entity tag, TTL): never part of a domain object. */
const tableAttrs = new Set<string>(Object.values(attr));

/**
 * The domain object in a stored item: the table's own attributes dropped, and
 * string sets (which DynamoDB returns as Sets) turned into sorted arrays.
 */
export function fromItem<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (!tableAttrs.has(k)) out[k] = v instanceof Set ? [...v].sort() : v;
  }
  return out as T;
}

/** A failed condition, alone or inside a cancelled transaction. */
export function isConditionFailure(err: unknown): boolean {
  if (err instanceof ConditionalCheckFailedException) return true;
  if (err instanceof TransactionCanceledException) {
    return (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return false;
}

/**
 * Runs a conditional write whose failed condition is an answer, not a fault: `onFailure`
 * gives that answer, or throws the named error (core/errors.ts) for it. Other errors go on.
 */
export async function ifConditionFails<T, F = never>(
  write: Promise<T>,
  onFailure: () => F | Promise<F>,
): Promise<T | F> {
  try {
    return await write;
  } catch (err) {
    if (isConditionFailure(err)) return onFailure();
    throw err;
  }
}

/** Whether a conditional write went through: false when its condition failed. */
export function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  return ifConditionFails(
    write.then(() => true),
    () => false,
  );
}

/** Whether an item's TTL has passed: DynamoDB deletes late (Local never), so reads check. */
export function expired(item: Record<string, unknown> | undefined, now: Date): boolean {
  return typeof item?.[attr.ttl] === 'number' && (item[attr.ttl] as number) <= epoch(now);
}
