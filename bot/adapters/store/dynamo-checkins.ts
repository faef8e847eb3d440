import type { CheckIn, SignOfLife } from '../../domain/alert.js';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { CheckIns, PromptWrite } from '../../core/ports.js';
import { CheckInMissingError } from '../../core/errors.js';
import { entity, keys, personPk, skPrefix } from './keys.js';
import { attr } from './table.js';
import { conditionHeld, epoch, fromItem, ifConditionFails } from './items.js';
import { TableAdapter } from './table-adapter.js';
import { timerShards } from '../../domain/timer.js';
import { batchGetAll } from './batch.js';
import { claimUpdate, timerItem } from './dynamo-timers.js';

const checkInTtlDays = 400;

/** prompted → fine/help/heard, on the condition that it is still open (also part of a turn's commit). */
export function closeCheckInUpdate(
  elderId: string,
  localDate: string,
  state: 'fine' | 'help' | 'heard',
  by: string,
  at: Date,
) {
  return {
    Key: keys.checkIn(elderId, localDate),
    UpdateExpression: 'SET #state = :state, answeredBy = :by, answeredAt = :at',
    ConditionExpression: '#state = :prompted',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':state': state,
      ':by': by,
      ':at': at.toISOString(),
      ':prompted': 'prompted',
    },
  };
}

/** Check-ins on the one table, in the elder's partition (`CHK#<local date>`). */
export class DynamoCheckIns extends TableAdapter implements CheckIns {
  /** `shards`: the due index's partitions per hour, as the tick's `DynamoTimers` reads them. */
  constructor(
    doc: DynamoDBDocumentClient,
    table: string,
    private readonly shards = timerShards,
  ) {
    super(doc, table);
  }

  async getCheckIn(elderId: string, localDate: string): Promise<CheckIn | null> {
    const item = await this.getItem(keys.checkIn(elderId, localDate), true);
    return item ? withLists(fromItem<CheckIn>(item)) : null;
  }

  async latestCheckIn(elderId: string): Promise<CheckIn | null> {
    return (await this.recentCheckIns(elderId, 1))[0] ?? null;
  }

  async recentCheckIns(elderId: string, limit: number): Promise<CheckIn[]> {
    const items = await this.queryPrefix(personPk(elderId), skPrefix.checkIn, {
      newestFirst: true,
      limit,
      consistent: true,
    });
    return items.map((item) => withLists(fromItem<CheckIn>(item)));
  }

  async checkInsOn(elderIds: string[], localDate: string): Promise<CheckIn[]> {
    const wanted = [...new Set(elderIds)].map((id) => keys.checkIn(id, localDate));
    // Consistent, like getCheckIn: an answer given a moment ago shows.
    const items = await batchGetAll(this.doc, this.table, wanted, { consistent: true });
    return items.map((item) => withLists(fromItem<CheckIn>(item)));
  }

  createCheckIn(c: CheckIn): Promise<boolean> {
    return conditionHeld(this.putItem(checkInItem(c), { ConditionExpression: 'attribute_not_exists(PK)' }));
  }

  async openWithPrompt(w: PromptWrite): Promise<'opened' | 'taken' | 'exists'> {
    const claim = { Update: claimUpdate(this.table, w.timer, w.claimer, w.now, w.leaseSeconds) };
    const checkIn = {
      Put: {
        TableName: this.table,
        Item: checkInItem(w.checkIn),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    const rungs = w.rungs.map((t) => ({ Put: { TableName: this.table, Item: timerItem(t, this.shards) } }));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [claim, checkIn, ...rungs] }));
      return 'opened';
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const failed = (i: number) => err.CancellationReasons?.[i]?.Code === 'ConditionalCheckFailed';
      if (failed(0)) return 'taken';
      if (failed(1)) return 'exists';
      throw err;
    }
  }

  async markPromptSent(elderId: string, localDate: string, at: Date): Promise<void> {
    const update = this.updateItem({
      Key: keys.checkIn(elderId, localDate),
      UpdateExpression: 'SET sentAt = :at',
      // The first outcome counts (a copy on a second channel, a redelivery come later).
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(sentAt)',
      ExpressionAttributeValues: { ':at': at.toISOString() },
    });
    await ifConditionFails(update, () => undefined);
  }

  async recordRung(elderId: string, localDate: string, rung: string, alerted: string[], alertId?: string) {
    const names: Record<string, string> = { '#rungs': 'rungsDone' };
    const values: Record<string, unknown> = { ':rung': new Set([rung]) };
    let expression = 'ADD #rungs :rung';
    if (alerted.length) {
      names['#alerted'] = 'alerted';
      values[':alerted'] = new Set(alerted);
      expression += ', #alerted :alerted';
    }
    if (alertId) {
      values[':alert'] = alertId;
      expression += ' SET alertId = :alert';
    }
    const update = this.updateItem({
      Key: keys.checkIn(elderId, localDate),
      UpdateExpression: expression,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    await ifConditionFails(update, () => {
      throw new CheckInMissingError();
    });
  }

  noteSignOfLife(elderId: string, localDate: string, sign: SignOfLife): Promise<boolean> {
    const update = this.updateItem({
      Key: keys.checkIn(elderId, localDate),
      UpdateExpression: 'SET wrote = :wrote',
      ConditionExpression: '#state = :prompted',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':wrote': sign, ':prompted': 'prompted' },
    });
    return conditionHeld(update);
  }

  async closeCheckIn(
    elderId: string,
    localDate: string,
    state: 'fine' | 'help' | 'heard',
    by: string,
    at: Date,
  ): Promise<CheckIn | null> {
    const update = this.updateItem({
      ...closeCheckInUpdate(elderId, localDate, state, by, at),
      ReturnValues: 'ALL_NEW',
    });
    const closed = await ifConditionFails(update, () => null);
    return closed === null ? null : withLists(fromItem<CheckIn>(closed ?? {}));
  }
}

/** A check-in as stored, in the elder's partition; kept 400 days. */
function checkInItem(c: CheckIn): Record<string, unknown> {
  const { rungsDone: _r, alerted: _a, ...rest } = c;
  return {
    ...keys.checkIn(c.elderId, c.localDate),
    [attr.entity]: entity.checkIn,
    [attr.ttl]: epoch(new Date(c.promptedAt)) + checkInTtlDays * 86400,
    ...rest,
  };
}

/** A check-in as stored, with its sets as (possibly empty) lists. */
export function withLists(c: CheckIn): CheckIn {
  return { ...c, rungsDone: c.rungsDone ?? [], alerted: c.alerted ?? [] };
}
