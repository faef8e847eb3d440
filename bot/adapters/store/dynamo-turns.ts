import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelRef, Person } from '../../domain/person.js';
import type { CheckIn } from '../../domain/alert.js';
import type { FlowState, TurnCommit, TurnKey, TurnReads, TurnRecord, TurnWrite } from '../../core/ports.js';
import { FlowConflictError, TurnRecordedError, TurnWriteConflictError } from '../../core/errors.js';
import { closeCheckInUpdate, withLists } from './dynamo-checkins.js';
import { figureItems } from './dynamo-figures.js';
import { entity, keys, personPk, skPrefix } from './keys.js';
import { elderDetailsFrom, elderDetailsKeys } from './dynamo-requests.js';
import { requestFromItem } from './request-table.js';
import { acceptUpdate } from './dynamo-tasks.js';
import { batchGetAll } from './batch.js';
import { attr } from './table.js';
import { epoch, expired, fromItem, ifConditionFails } from './items.js';
import { TableAdapter } from './table-adapter.js';
import { claimedItem } from './delivery-log.js';
import { privateFieldUpdate } from './private-details.js';

const flowTtlSeconds = 7 * 24 * 3600;
/** Chats whose person this process remembers, to read a turn in one call (a few hundred KB at most). */
const maxHints = 5000;

function flowFromItem(item: Record<string, unknown>, now: Date): FlowState {
  const version = Number(item.version);
  if (expired(item, now) || item.flow === null) {
    // An ended or expired flow still holds the version that the next write must match.
    return { flow: '', step: '', data: {}, version };
  }
  return {
    flow: String(item.flow),
    step: String(item.step),
    data: (item.data ?? {}) as Record<string, unknown>,
    version,
  };
}

/**
 * The volunteer's recent tasks, as the accept leaves them: only if they are still as the turn read
 * them (two accepts of hers at once: the second runs again and adds to the first's) and she is
 * still approved (suspended meanwhile: the accept runs again and is refused).
 */
function recentTasksUpdate(table: string, volunteerId: string, read: string[], recent: string[]) {
  return {
    TableName: table,
    Key: keys.person(volunteerId),
    UpdateExpression: 'SET #vol.#recent = :recent',
    ConditionExpression: `#vol.#status = :approved AND ${
      read.length ? '#vol.#recent = :read' : '(attribute_not_exists(#vol.#recent) OR #vol.#recent = :read)'
    }`,
    ExpressionAttributeNames: { '#vol': 'volunteer', '#recent': 'recentTasks', '#status': 'status' },
    ExpressionAttributeValues: {
      ':recent': recent,
      ':approved': 'approved',
      ':read': read,
    },
  };
}

/**
 * A turn's state on the one table: its reads, its one commit (the turn record
 * or processed marker with the versioned flow), and the flow and marker on their own.
 */
export class DynamoTurns extends TableAdapter {
  /** Whose a chat was when last read here (a hint, checked by the read it saves): chat → person id. */
  private readonly whose = new Map<string, string>();

  /**
   * One read where this process has seen the chat before: the person's items are read with the
   * identity, on the hint of whose it was, and used only if the identity still names that person;
   * otherwise (or without a hint) a second read follows, as for a chat seen for the first time.
   */
  async readTurn(
    ref: ChannelRef,
    key: TurnKey | null,
    now: Date,
    checkInDates: string[] = [],
    requestId?: string,
  ): Promise<TurnReads> {
    const chat = `${ref.channel}#${ref.id}`;
    const hint = this.whose.get(chat);
    const personKeys = (personId: string) => [
      keys.person(personId),
      keys.flow(personId),
      ...(key ? [keys.turn(personId, key.channel, key.updateId)] : []),
      ...[...new Set(checkInDates)].map((date) => keys.checkIn(personId, date)),
    ];
    const first = await batchGetAll(
      this.doc,
      this.table,
      [
        keys.identity(ref),
        ...(key ? [keys.processed(key.channel, key.updateId)] : []),
        ...(requestId !== undefined ? [keys.request(requestId)] : []),
        ...(hint ? personKeys(hint) : []),
      ],
      { consistent: true },
    );
    const marker = first.find((i) => i.SK === 'UPD');
    // The turn erased its presser: nothing to send again, nothing to decide.
    if (marker && !expired(marker, now))
      return { person: null, flow: null, record: { lang: '', outbound: [] } };
    // A stranger's identity whose onboarding expired is no one's: they start afresh.
    const identity = first.find((i) => i.SK === 'CH' && !expired(i, now));
    const personId = identity?.personId;
    this.whose.delete(chat);
    if (typeof personId !== 'string') return { person: null, flow: null, record: null };
    // Most recent last; the oldest hint goes first when there are too many.
    this.whose.set(chat, personId);
    if (this.whose.size > maxHints) this.whose.delete(this.whose.keys().next().value!);
    const requestItem = first.find((i) => i.SK === 'REQ' && !expired(i, now));
    const request = requestItem ? requestFromItem(requestItem) : null;
    const id = (k: Record<string, unknown>) => `${String(k.PK)}|${String(k.SK)}`;
    const asked = new Set(
      [...(hint ? personKeys(hint) : []), ...(personId === hint ? [] : personKeys(personId))].map(id),
    );
    const wanted = [
      ...(personId === hint ? [] : personKeys(personId)),
      // The request's elder and followers, for the volunteer's card if the accept wins; a key asked
      // already (a forged button naming the presser's own request) is not asked again.
      ...(request
        ? elderDetailsKeys(request.elderId, request.followers).filter((k) => !asked.has(id(k)))
        : []),
    ];
    const unique = [...new Map(wanted.map((k) => [id(k), k])).values()];
    const second = unique.length ? await batchGetAll(this.doc, this.table, unique, { consistent: true }) : [];
    const items = [...first, ...second];
    const mine = items.filter((i) => i.PK === personPk(personId));
    const profile = mine.find((i) => i.SK === 'PROFILE');
    // A stranger whose onboarding expired is gone, with what they were doing.
    if (profile && expired(profile, now)) return { person: null, flow: null, record: null };
    const flow = mine.find((i) => i.SK === 'FLOW');
    const record = mine.find((i) => String(i.SK).startsWith('TURN#') && !expired(i, now));
    const checkIns = mine
      .filter((i) => String(i.SK).startsWith(skPrefix.checkIn))
      .map((i) => withLists(fromItem<CheckIn>(i)));
    return {
      person: profile ? fromItem<Person>(profile) : null,
      flow: flow ? flowFromItem(flow, now) : null,
      record: record ? (JSON.parse(String(record.record)) as TurnRecord) : null,
      ...(checkInDates.length ? { checkIns } : {}),
      ...(requestId !== undefined
        ? {
            request: request
              ? { id: requestId, request, ...elderDetailsFrom(items, request.elderId, request.followers) }
              : { id: requestId, request: null, elder: null, details: {}, followers: [] },
          }
        : {}),
    };
  }

  /** An erased person's chats are no one's here either. */
  forget(personId: string): void {
    for (const [chat, id] of this.whose) if (id === personId) this.whose.delete(chat);
  }

  async commitTurn(c: TurnCommit): Promise<void> {
    const ttl = epoch(c.now) + c.ttlSeconds;
    const fresh = {
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :now',
      ExpressionAttributeNames: { '#ttl': attr.ttl },
      ExpressionAttributeValues: { ':now': epoch(c.now) },
    };
    const marker = c.personId
      ? {
          ...keys.turn(c.personId, c.key.channel, c.key.updateId),
          [attr.entity]: entity.turn,
          record: JSON.stringify(c.record),
        }
      : { ...keys.processed(c.key.channel, c.key.updateId), [attr.entity]: entity.processed };
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      { Put: { TableName: this.table, Item: { ...marker, [attr.ttl]: ttl }, ...fresh } },
    ];
    const hasFlow = !!(c.flow && c.personId);
    if (c.flow && c.personId)
      items.push({ Put: this.flowPut(c.personId, c.flow.state, c.flow.readVersion, c.now) });
    for (const write of c.writes ?? []) items.push(...this.writeItems(write, c.now));
    // Nothing else writes a message of this update before its commit: no condition to hold.
    for (const id of c.claims?.ids ?? [])
      items.push({ Put: { TableName: this.table, Item: claimedItem(id, c.now, c.claims!.leaseSeconds) } });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      // Which condition failed says which error: the record (first), the flow (second), or a use case's write.
      const reasons = err instanceof TransactionCanceledException ? (err.CancellationReasons ?? []) : [];
      const failed = reasons.findIndex((r) => r?.Code === 'ConditionalCheckFailed');
      if (failed === 0) throw new TurnRecordedError(`${c.key.channel}#${c.key.updateId}`);
      if (failed === 1 && hasFlow) throw new FlowConflictError(c.personId ?? '');
      // Another transaction on one of its items at that instant (two accepts of one request): decided again too.
      if (failed > 0 || reasons.some((r) => r?.Code === 'TransactionConflict'))
        throw new TurnWriteConflictError(`an item of turn ${c.key.channel}#${c.key.updateId}`);
      throw err;
    }
  }

  /** A use case's write as transaction items (targeted updates with their conditions). */
  private writeItems(write: TurnWrite, now: Date) {
    switch (write.kind) {
      case 'closeCheckIn': {
        const { elderId, localDate, state, by, at } = write;
        return [
          { Update: { TableName: this.table, ...closeCheckInUpdate(elderId, localDate, state, by, at) } },
        ];
      }
      case 'count':
        return figureItems(this.table, write.event, now);
      case 'accept':
        return [{ Update: acceptUpdate(this.table, write.requestId, write.volunteerId, write.at) }];
      case 'recentTasks':
        return [{ Update: recentTasksUpdate(this.table, write.volunteerId, write.read, write.recent) }];
      case 'private':
        return [
          {
            Update: {
              TableName: this.table,
              ...privateFieldUpdate(write.personId, write.field, write.value),
            },
          },
        ];
      case 'declineLink':
        return [
          {
            Delete: {
              TableName: this.table,
              Key: keys.relativeLink(write.elderId, write.relativeId),
              ConditionExpression: '#status = :pending',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':pending': 'pending' },
            },
          },
          { Delete: { TableName: this.table, Key: keys.elderLink(write.relativeId, write.elderId) } },
        ];
    }
  }

  async settleTurn(personId: string, key: TurnKey, record: TurnRecord): Promise<void> {
    const update = this.updateItem({
      Key: keys.turn(personId, key.channel, key.updateId),
      UpdateExpression: 'SET #record = :record',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#record': 'record' },
      ExpressionAttributeValues: { ':record': JSON.stringify(record) },
    });
    // Erased meanwhile: nothing left to settle.
    await ifConditionFails(update, () => undefined);
  }

  async turnCommitted(personId: string, key: TurnKey): Promise<boolean> {
    return !!(await this.getItem(keys.turn(personId, key.channel, key.updateId), true));
  }

  async getFlow(personId: string, now: Date): Promise<FlowState | null> {
    const item = await this.getItem(keys.flow(personId), true);
    return item ? flowFromItem(item, now) : null;
  }

  private flowPut(
    personId: string,
    state: Omit<FlowState, 'version'> | null,
    readVersion: number,
    now: Date,
  ) {
    return {
      TableName: this.table,
      Item: {
        ...keys.flow(personId),
        [attr.entity]: entity.flow,
        flow: state?.flow ?? null,
        step: state?.step ?? null,
        data: state?.data ?? {},
        version: readVersion + 1,
        [attr.ttl]: epoch(now) + flowTtlSeconds,
      },
      ConditionExpression: readVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
      ExpressionAttributeValues: readVersion === 0 ? undefined : { ':v': readVersion },
    };
  }

  async saveFlow(
    personId: string,
    state: Omit<FlowState, 'version'> | null,
    readVersion: number,
    now: Date,
  ): Promise<void> {
    const { TableName: _t, Item, ...condition } = this.flowPut(personId, state, readVersion, now);
    await ifConditionFails(this.putItem(Item, condition), () => {
      throw new FlowConflictError(personId);
    });
  }
}
