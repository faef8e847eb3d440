import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Person, PrivateDetails } from '../../domain/person.js';
import type { CellQuery } from '../../domain/cells.js';
import type { HelpRequest, RequestState } from '../../domain/request.js';
import { OfferTakenError, RequestChangedError } from '../../core/errors.js';
import type { Requests } from '../../core/ports.js';
import { byCell, entity, keys, personPk, requestList, skPrefix } from './keys.js';
import { batchGetAll, batchWriteAll, queryAll } from './batch.js';
import { attr, index } from './table.js';
import { epoch, fromItem, isConditionFailure } from './items.js';

const sets = ['offeredTo', 'excluded'] as const;

function requestFromItem(item: Record<string, unknown>): HelpRequest {
  const out = fromItem<Record<string, unknown>>(item);
  for (const s of sets) out[s] ??= [];
  return out as unknown as HelpRequest;
}

/** Only the names an expression uses; undefined when it uses none. */
function usedNames(names: Record<string, string>, expression: string): Record<string, string> | undefined {
  const used = Object.entries(names).filter(([name]) => new RegExp(`${name}\\b`).test(expression));
  return used.length ? Object.fromEntries(used) : undefined;
}

/** Help requests on the one table, with the volunteers' geo index (GSI3). */
export class DynamoRequests implements Requests {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createRequest(r: HelpRequest): Promise<void> {
    const { offeredTo: _o, excluded: _e, ...rest } = r;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.request(r.id),
          [attr.entity]: entity.request,
          [attr.gsi1pk]: requestList.zone(r.zoneId),
          [attr.gsi1sk]: requestList.sort(r.state, r.createdAt, r.id),
          ...rest,
          // String sets cannot be empty: absent until the first offer.
          ...(r.offeredTo.length ? { offeredTo: new Set(r.offeredTo) } : {}),
          ...(r.excluded.length ? { excluded: new Set(r.excluded) } : {}),
          offerMsgs: r.offerMsgs ?? {},
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.requestRef(r.elderId, r.id), [attr.entity]: entity.requestRef },
      }),
    );
  }

  async getRequest(id: string): Promise<HelpRequest | null> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.request(id), ConsistentRead: true }),
    );
    return got.Item ? requestFromItem(got.Item) : null;
  }

  async requestsOf(elderId: string): Promise<HelpRequest[]> {
    const refs = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': personPk(elderId), ':sk': skPrefix.requestRef },
      }),
    );
    const ids = (refs.Items ?? []).map((i) => (i.SK as string).slice(skPrefix.requestRef.length)).slice(-50);
    if (!ids.length) return [];
    const got = await this.doc.send(
      new BatchGetCommand({ RequestItems: { [this.table]: { Keys: ids.map((id) => keys.request(id)) } } }),
    );
    return (got.Responses?.[this.table] ?? [])
      .map(requestFromItem)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async openRequests(zoneId: string): Promise<HelpRequest[]> {
    const got = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.byList,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :state)',
        ExpressionAttributeNames: { '#pk': attr.gsi1pk, '#sk': attr.gsi1sk },
        ExpressionAttributeValues: { ':pk': requestList.zone(zoneId), ':state': 'open#' },
        Limit: 20,
      }),
    );
    return (got.Items ?? []).map(requestFromItem);
  }

  /** Moves the state. Only open requests are listed on GSI1 (a zone's requests waiting for someone). */
  private async update(
    r: Pick<HelpRequest, 'id'> & { createdAt?: string; zoneId?: string },
    expression: { set?: string[]; remove?: string[]; add?: string[] },
    condition: string,
    values: Record<string, unknown>,
    state?: RequestState,
    returnOld = false,
  ): Promise<HelpRequest> {
    const set = [...(expression.set ?? [])];
    const remove = [...(expression.remove ?? [])];
    const names: Record<string, string> = { '#state': 'state' };
    if (expression.set?.some((s) => s.includes('#ttl'))) names['#ttl'] = attr.ttl;
    if (state) {
      set.push('#state = :newState');
      values[':newState'] = state;
      names['#gpk'] = attr.gsi1pk;
      names['#gsk'] = attr.gsi1sk;
      if (state === 'open' && r.createdAt && r.zoneId) {
        set.push('#gpk = :gpk', '#gsk = :gsk');
        values[':gpk'] = requestList.zone(r.zoneId);
        values[':gsk'] = requestList.sort(state, r.createdAt, r.id);
      } else {
        remove.push('#gpk', '#gsk');
      }
    }
    const parts = [
      set.length ? `SET ${set.join(', ')}` : '',
      remove.length ? `REMOVE ${remove.join(', ')}` : '',
      expression.add?.length ? `ADD ${expression.add.join(', ')}` : '',
    ].filter(Boolean);
    const updateExpression = parts.join(' ');
    try {
      const got = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.request(r.id),
          UpdateExpression: updateExpression,
          ConditionExpression: condition,
          // DynamoDB refuses a name that neither expression uses (decline's condition has no #state).
          ExpressionAttributeNames: usedNames(names, `${updateExpression} ${condition}`),
          ExpressionAttributeValues: values,
          ReturnValues: returnOld ? 'ALL_OLD' : 'ALL_NEW',
        }),
      );
      return requestFromItem(got.Attributes ?? {});
    } catch (err) {
      if (isConditionFailure(err)) throw new RequestChangedError(r.id);
      throw err;
    }
  }

  async accept(id: string, volunteerId: string, now: Date): Promise<HelpRequest> {
    try {
      return await this.update(
        { id },
        { set: ['assignedTo = :v', 'assignedAt = :now'] },
        '#state = :open AND contains(offeredTo, :v) AND (attribute_not_exists(excluded) OR NOT contains(excluded, :v))',
        { ':v': volunteerId, ':now': now.toISOString(), ':open': 'open' },
        'assigned',
      );
    } catch (err) {
      if (err instanceof RequestChangedError) throw new OfferTakenError(id);
      throw err;
    }
  }

  async assignByHand(r: HelpRequest, volunteerId: string, now: Date): Promise<HelpRequest> {
    await this.pointTasks(r.id, [volunteerId]);
    return this.update(
      r,
      { set: ['assignedTo = :v', 'assignedAt = :now'], add: ['offeredTo :vs'] },
      '#state = :open',
      { ':v': volunteerId, ':vs': new Set([volunteerId]), ':now': now.toISOString(), ':open': 'open' },
      'assigned',
    );
  }

  async recordOffers(
    r: HelpRequest,
    volunteerIds: string[],
    wave: number,
    stage: number,
  ): Promise<HelpRequest> {
    await this.pointTasks(r.id, volunteerIds);
    const add = volunteerIds.length ? ['offeredTo :vs'] : [];
    return this.update(r, { set: ['wave = :wave', 'stage = :stage'], add }, '#state = :open', {
      ':wave': wave,
      ':stage': stage,
      ':open': 'open',
      ...(volunteerIds.length ? { ':vs': new Set(volunteerIds) } : {}),
    });
  }

  /** Pointers in each volunteer's partition, written before the offer so erasure always finds it. */
  private async pointTasks(requestId: string, volunteerIds: string[]): Promise<void> {
    await batchWriteAll(
      this.doc,
      this.table,
      volunteerIds.map((v) => ({
        PutRequest: { Item: { ...keys.taskRef(v, requestId), [attr.entity]: entity.taskRef } },
      })),
    );
  }

  async tasksOf(volunteerId: string): Promise<HelpRequest[]> {
    const refs = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': personPk(volunteerId), ':sk': skPrefix.taskRef },
    });
    const ids = refs.map((i) => (i.SK as string).slice(skPrefix.taskRef.length));
    const got = await batchGetAll(
      this.doc,
      this.table,
      ids.map((id) => keys.request(id)),
    );
    return got.map(requestFromItem).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Takes a volunteer who is leaving out of a request: their offer, their exclusion and their message
   * references go; if the task was theirs and not yet done, it is open again for a new round.
   * Returns the request as it was before, or null when it is gone.
   */
  async forgetVolunteer(r: HelpRequest, volunteerId: string): Promise<HelpRequest | null> {
    const theirs = r.assignedTo === volunteerId;
    const reopen = theirs && r.state === 'assigned';
    const values: Record<string, unknown> = { ':vs': new Set([volunteerId]) };
    const expression = {
      set: reopen ? ['offerMsgs = :none'] : [],
      // Reopened as a release does: earlier offers stop working, the new round offers afresh.
      remove: [
        ...(theirs ? ['assignedTo', 'assignedAt', 'assignedMsg'] : []),
        ...(reopen ? ['offeredTo'] : []),
        ...(!reopen && r.offerMsgs?.[volunteerId] !== undefined ? ['offerMsgs.#v'] : []),
      ],
      delete: [...(reopen ? [] : ['offeredTo :vs']), 'excluded :vs'],
    };
    if (reopen) values[':none'] = {};
    const names: Record<string, string> = {};
    if (expression.remove.includes('offerMsgs.#v')) names['#v'] = volunteerId;
    if (reopen) {
      names['#state'] = 'state';
      names['#gpk'] = attr.gsi1pk;
      names['#gsk'] = attr.gsi1sk;
      expression.set.push('#state = :open', '#gpk = :gpk', '#gsk = :gsk');
      values[':open'] = 'open';
      values[':gpk'] = requestList.zone(r.zoneId);
      values[':gsk'] = requestList.sort('open', r.createdAt, r.id);
      values[':assigned'] = 'assigned';
      values[':v'] = volunteerId;
    }
    const parts = [
      expression.set.length ? `SET ${expression.set.join(', ')}` : '',
      expression.remove.length ? `REMOVE ${expression.remove.join(', ')}` : '',
      `DELETE ${expression.delete.join(', ')}`,
    ].filter(Boolean);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.request(r.id),
          UpdateExpression: parts.join(' '),
          ConditionExpression: reopen ? '#state = :assigned AND assignedTo = :v' : 'attribute_exists(PK)',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return r;
    } catch (err) {
      if (isConditionFailure(err)) throw new RequestChangedError(r.id);
      throw err;
    }
  }

  async recordMessage(
    id: string,
    field: 'offer' | 'assigned',
    volunteerId: string,
    ref: string,
  ): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.request(id),
          UpdateExpression: field === 'offer' ? 'SET offerMsgs.#v = :ref' : 'SET assignedMsg = :ref',
          ConditionExpression: field === 'offer' ? 'attribute_exists(offerMsgs)' : 'assignedTo = :vid',
          ExpressionAttributeNames: field === 'offer' ? { '#v': volunteerId } : undefined,
          ExpressionAttributeValues:
            field === 'offer' ? { ':ref': ref } : { ':ref': ref, ':vid': volunteerId },
        }),
      )
      .catch((err) => {
        if (!isConditionFailure(err)) throw err;
      });
  }

  decline(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.update(r, { add: ['excluded :vs'] }, 'contains(offeredTo, :v)', {
      ':vs': new Set([volunteerId]),
      ':v': volunteerId,
    });
  }

  /** Returns the request as it was before (with the assignment message to strip). */
  release(r: HelpRequest, volunteerId: string): Promise<HelpRequest> {
    return this.update(
      r,
      // Earlier offers stop working; the new round offers afresh.
      {
        set: ['offerMsgs = :none'],
        remove: ['assignedTo', 'assignedAt', 'assignedMsg', 'offeredTo'],
        add: ['excluded :vs'],
      },
      '#state = :assigned AND assignedTo = :v',
      { ':v': volunteerId, ':vs': new Set([volunteerId]), ':assigned': 'assigned', ':none': {} },
      'open',
      true,
    );
  }

  markDone(r: HelpRequest, volunteerId: string, now: Date): Promise<HelpRequest> {
    return this.update(
      r,
      { set: ['doneAt = :now'] },
      '#state = :assigned AND assignedTo = :v',
      { ':v': volunteerId, ':now': now.toISOString(), ':assigned': 'assigned' },
      'done',
    );
  }

  close(r: HelpRequest, now: Date, retentionDays: number): Promise<HelpRequest> {
    return this.update(
      r,
      { set: ['closedAt = :now', '#ttl = :ttl'] },
      '#state = :done',
      { ':now': now.toISOString(), ':ttl': epoch(now) + retentionDays * 86400, ':done': 'done' },
      'closed',
    );
  }

  /** Returns the request as it was before. */
  cancel(r: HelpRequest, now: Date, retentionDays: number): Promise<HelpRequest> {
    return this.update(
      r,
      { set: ['closedAt = :now', '#ttl = :ttl'] },
      '#state IN (:open, :assigned)',
      {
        ':now': now.toISOString(),
        ':ttl': epoch(now) + retentionDays * 86400,
        ':open': 'open',
        ':assigned': 'assigned',
      },
      'cancelled',
      true,
    );
  }

  async volunteersInCells(cells: CellQuery[]): Promise<{ people: Person[]; itemsRead: number }> {
    let itemsRead = 0;
    const people: Person[] = [];
    for (let i = 0; i < cells.length; i += 32) {
      const pages = await Promise.all(
        cells.slice(i, i + 32).map(async (cell) => {
          const found: Record<string, unknown>[] = [];
          const got = await queryAll(this.doc, {
            TableName: this.table,
            IndexName: index.byCell,
            KeyConditionExpression: cell.prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
            ExpressionAttributeNames: cell.prefix
              ? { '#pk': attr.gsi3pk, '#sk': attr.gsi3sk }
              : { '#pk': attr.gsi3pk },
            ExpressionAttributeValues: cell.prefix
              ? { ':pk': byCell.cell(cell.cell), ':prefix': cell.prefix }
              : { ':pk': byCell.cell(cell.cell) },
          });
          found.push(...got);
          return found;
        }),
      );
      for (const page of pages) {
        itemsRead += page.length;
        people.push(...page.map((p) => fromItem<Person>(p)));
      }
    }
    return { people, itemsRead };
  }

  async elderDetails(
    elderId: string,
    followerIds: string[] = [],
  ): Promise<{ elder: Person | null; details: PrivateDetails; followers: Person[] }> {
    const wanted = [
      keys.person(elderId),
      keys.private(elderId),
      ...followerIds.slice(0, 90).map((id) => keys.person(id)),
    ];
    const got = await this.doc.send(
      new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted } } }),
    );
    const items = got.Responses?.[this.table] ?? [];
    const elder = items.find((i) => i.PK === personPk(elderId) && i.SK === 'PROFILE');
    const priv = items.find((i) => i.SK === 'PRIVATE');
    const followers = items
      .filter((i) => i.SK === 'PROFILE' && i.PK !== personPk(elderId))
      .map((i) => fromItem<Person>(i));
    return {
      elder: elder ? fromItem<Person>(elder) : null,
      details: priv ? fromItem<PrivateDetails>(priv) : {},
      followers,
    };
  }
}
