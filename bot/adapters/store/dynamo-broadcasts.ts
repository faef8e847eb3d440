import { createHash } from 'node:crypto';
import { broadcastOutcomes, type Broadcast, type BroadcastOutcome } from '../../core/ports.js';
import { entity, keys } from './keys.js';
import { attr } from './table.js';
import { conditionHeld, epoch, expired, ifConditionFails } from './items.js';
import { TableAdapter } from './table-adapter.js';

/** A broadcast's record outlives its report by this long, then leaves the table. */
const keepDays = 30;

/** The string set that holds the messages of one outcome (hashes of their ids: nothing about anyone). */
const setOf = (outcome: BroadcastOutcome) => `out_${outcome}`;

/**
 * A mediator's broadcasts (`BCAST#<id>` in her partition). Each outcome is a
 * string set of message-id hashes that `ADD` grows: a message reported twice
 * (a sender's retry) counts once, and the counts are the sets' sizes.
 */
export class DynamoBroadcasts extends TableAdapter {
  constructor(
    doc: ConstructorParameters<typeof TableAdapter>[0],
    table: string,
    private readonly now: () => Date,
  ) {
    super(doc, table);
  }

  async createBroadcast(b: Omit<Broadcast, 'counts' | 'reportedAt'>): Promise<void> {
    const item = {
      ...keys.broadcast(b.by, b.id),
      [attr.entity]: entity.broadcast,
      [attr.ttl]: epoch(new Date(b.createdAt)) + keepDays * 86400,
      ...b,
    };
    // The same Send run again (a fault, a second press) finds it made: nothing is counted twice.
    await conditionHeld(this.putItem(item, { ConditionExpression: 'attribute_not_exists(PK)' }));
  }

  async countBroadcastOutcome(
    by: string,
    broadcastId: string,
    outcome: BroadcastOutcome,
    message: string,
  ): Promise<Broadcast | null> {
    const hash = createHash('sha256').update(message).digest('base64url').slice(0, 16);
    const item = await ifConditionFails(
      this.updateItem({
        Key: keys.broadcast(by, broadcastId),
        UpdateExpression: 'ADD #set :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#set': setOf(outcome) },
        ExpressionAttributeValues: { ':one': new Set([hash]) },
        ReturnValues: 'ALL_NEW',
      }),
      () => undefined,
    );
    return item && !expired(item, this.now()) ? toBroadcast(item) : null;
  }

  async markBroadcastReported(by: string, broadcastId: string, at: Date): Promise<boolean> {
    return conditionHeld(
      this.updateItem({
        Key: keys.broadcast(by, broadcastId),
        UpdateExpression: 'SET reportedAt = :at',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(reportedAt)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }
}

function toBroadcast(item: Record<string, unknown>): Broadcast {
  const size = (v: unknown) => (v instanceof Set ? v.size : 0);
  const counts = Object.fromEntries(broadcastOutcomes.map((o) => [o, size(item[setOf(o)])])) as Record<
    BroadcastOutcome,
    number
  >;
  return {
    id: String(item.id),
    by: String(item.by),
    zoneId: String(item.zoneId),
    audience: item.audience as Broadcast['audience'],
    ...(item.allZones === true ? { allZones: true } : {}),
    createdAt: String(item.createdAt),
    total: Number(item.total),
    skipped: Number(item.skipped),
    waiting: Number(item.waiting),
    counts,
    ...(typeof item.reportedAt === 'string' ? { reportedAt: item.reportedAt } : {}),
  };
}
