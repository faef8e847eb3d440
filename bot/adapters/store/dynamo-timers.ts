import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { hourKey, shardOf, timerShards, type Timer } from '../../domain/timer.js';
import type { ClaimedTimer, Timers } from '../../core/ports.js';
import { byDue, entity, keys, personPk, skPrefix } from './keys.js';
import { batchGetAll, batchWriteAll, queryAll } from './batch.js';
import { attr, index } from './table.js';
import { conditionHeld, ifConditionFails } from './items.js';

/** Timers on the one table: GSI2 holds them by due hour and shard, sorted by due instant, until they are done. */
export class DynamoTimers implements Timers {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    readonly shards = timerShards,
  ) {}

  /** The stored item of a timer (also used to seed tests in bulk). */
  item(t: Timer): Record<string, unknown> {
    return timerItem(t, this.shards);
  }

  async schedule(timers: Timer[]): Promise<void> {
    await batchWriteAll(
      this.doc,
      this.table,
      timers.flatMap((t) => [this.item(t), ...this.quietRef(t)]).map((Item) => ({ PutRequest: { Item } })),
    );
  }

  /**
   * A notice held for quiet hours names its recipient: a pointer in their partition lets `/mydata`
   * list it and `/forget` erase the timer with them (it expires a day after it is due).
   */
  private quietRef(t: Timer): Record<string, unknown>[] {
    const personId = (t.data as { message?: { personId?: unknown } }).message?.personId;
    if (t.kind !== 'held' || typeof personId !== 'string' || !personId) return [];
    return [
      {
        ...keys.quietRef(personId, t.id),
        [attr.entity]: entity.quietRef,
        timerId: t.id,
        due: t.due,
        [attr.ttl]: Math.floor(Date.parse(t.due) / 1000) + 86400,
      },
    ];
  }

  async cancel(ids: string[]): Promise<void> {
    await batchWriteAll(
      this.doc,
      this.table,
      ids.map((id) => ({ DeleteRequest: { Key: keys.timer(id) } })),
    );
  }

  async get(id: string): Promise<Timer | null> {
    const got = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.timer(id) }));
    return got.Item ? { id: got.Item.id, kind: got.Item.kind, due: got.Item.due, data: got.Item.data } : null;
  }

  async heldFor(personId: string): Promise<Timer[]> {
    const refs = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': personPk(personId), ':sk': skPrefix.quietRef },
      ConsistentRead: true,
    });
    const wanted = refs.map((r) => keys.timer(String(r.timerId)));
    const items = wanted.length ? await batchGetAll(this.doc, this.table, wanted, { consistent: true }) : [];
    // Sent (done) or never there: nothing waits any more.
    return items
      .filter((i) => i.kind === 'held' && i.state !== 'done')
      .map((i) => ({ id: i.id, kind: 'held', due: i.due, data: i.data }) as Timer);
  }

  async due(hour: string, shard: number, upTo: Date, limit?: number): Promise<ClaimedTimer[]> {
    const out: ClaimedTimer[] = [];
    const got = await queryAll(
      this.doc,
      {
        TableName: this.table,
        IndexName: index.byDue,
        KeyConditionExpression: '#pk = :pk AND #sk <= :upTo',
        ExpressionAttributeNames: { '#pk': attr.gsi2pk, '#sk': attr.gsi2sk },
        ExpressionAttributeValues: { ':pk': byDue.bucket(hour, shard), ':upTo': byDue.upTo(upTo) },
      },
      limit,
    );
    for (const i of got) {
      out.push({
        id: i.id,
        kind: i.kind,
        due: i.due,
        data: i.data,
        state: i.state,
        leaseUntil: i.leaseUntil,
      });
    }
    return out;
  }

  claim(t: ClaimedTimer, claimer: string, now: Date, leaseSeconds: number): Promise<boolean> {
    return conditionHeld(
      this.doc.send(new UpdateCommand(claimUpdate(this.table, t, claimer, now, leaseSeconds))),
    );
  }

  async complete(t: ClaimedTimer, claimer: string, next?: Timer): Promise<void> {
    const mine = {
      TableName: this.table,
      ConditionExpression: 'claimedBy = :me AND due = :due',
      ExpressionAttributeValues: { ':me': claimer, ':due': t.due },
    };
    // The next occurrence (same id) takes the place of the one done, in the one write.
    const done =
      next && next.id === t.id
        ? this.doc.send(new PutCommand({ ...mine, Item: this.item(next) }))
        : this.doc.send(new DeleteCommand({ ...mine, Key: keys.timer(t.id) }));
    // Rescheduled while firing (a new due): the new timer stays.
    await ifConditionFails(done, () => undefined);
  }

  async getCursor(group?: string): Promise<string | null> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.tickCursor(group), ConsistentRead: true }),
    );
    return typeof got.Item?.upTo === 'string' ? got.Item.upTo : null;
  }

  async advanceCursor(upTo: string, group?: string): Promise<void> {
    const moved = this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.tickCursor(group), [attr.entity]: entity.tickCursor, upTo },
        ConditionExpression: 'attribute_not_exists(PK) OR upTo < :upTo',
        ExpressionAttributeValues: { ':upTo': upTo },
      }),
    );
    // Another tick got further: never move the cursor back.
    await ifConditionFails(moved, () => undefined);
  }
}

/** A timer as stored: GSI2 holds it by due hour and shard, sorted by due instant, while it is pending. */
export function timerItem(t: Timer, shards = timerShards): Record<string, unknown> {
  return {
    ...keys.timer(t.id),
    [attr.entity]: entity.timer,
    [attr.gsi2pk]: byDue.bucket(hourKey(new Date(t.due)), shardOf(t.id, shards)),
    [attr.gsi2sk]: byDue.sort(new Date(t.due).toISOString(), t.id),
    id: t.id,
    kind: t.kind,
    due: t.due,
    data: t.data,
    state: 'pending',
  };
}

/**
 * The claim of a timer: pending, or held by a claimer whose lease ran out (it died); and not
 * rescheduled meanwhile. Alone (`claim`) or in a prompt's transaction.
 */
export function claimUpdate(
  table: string,
  t: ClaimedTimer,
  claimer: string,
  now: Date,
  leaseSeconds: number,
) {
  return {
    TableName: table,
    Key: keys.timer(t.id),
    UpdateExpression: 'SET #state = :firing, claimedBy = :me, leaseUntil = :lease',
    ConditionExpression: 'due = :due AND (#state = :pending OR leaseUntil < :now)',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':firing': 'firing',
      ':pending': 'pending',
      ':me': claimer,
      ':due': t.due,
      ':now': now.toISOString(),
      ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
    },
  };
}
