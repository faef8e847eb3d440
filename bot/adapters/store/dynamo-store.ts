import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  isActiveVolunteer,
  type ChannelRef,
  type Person,
  type PrivateDetails,
  type Role,
  type VolunteerStatus,
} from '../../domain/person.js';
import { cellKeys } from '../../domain/cells.js';
import type { Invite } from '../../domain/invite.js';
import type {
  FlowState,
  RelativeLink,
  Store,
  TurnCommit,
  TurnKey,
  TurnReads,
  TurnRecord,
} from '../../core/ports.js';
import {
  AlreadyDecidedError,
  FlowConflictError,
  IdentityTakenError,
  InviteUnavailableError,
  LinkUnavailableError,
  TurnRecordedError,
} from '../../core/errors.js';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { byCell, byList, entity, keys, personPk, skPrefix, type Key } from './keys.js';
import { batchGetAll, queryAll } from './batch.js';
import { attr, index } from './table.js';
import { deleteKeys, erasePersonData, exportPersonData, queryPartition } from './person-data.js';
import { epoch, expired, fromItem, isConditionFailure } from './items.js';

const flowTtlSeconds = 7 * 24 * 3600;
/** A person as stored: the profile plus the GSI1 keys that list people of a role in a zone. */
export function personItem(person: Person): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...keys.person(person.id),
    [attr.entity]: entity.person,
    ...person,
  };
  if (person.role && person.zoneId) {
    item[attr.gsi1pk] = byList.zoneRole(person.zoneId, person.role);
    item[attr.gsi1sk] = byList.status(person.volunteer?.status ?? 'active', person.id);
  }
  // Only approved, available volunteers are in the geo index: routing never sees the others.
  if (isActiveVolunteer(person) && person.volunteer?.available !== false && person.place) {
    const { cell, sortPrefix } = cellKeys(person.place);
    item[attr.gsi3pk] = byCell.cell(cell);
    item[attr.gsi3sk] = byCell.sort(sortPrefix, person.id);
  }
  return item;
}

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

/** The single-table Store on DynamoDB (AWS or DynamoDB Local). */
export class DynamoStore implements Store {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private personItem(person: Person): Record<string, unknown> {
    return personItem(person);
  }

  async readTurn(ref: ChannelRef, key: TurnKey | null, now: Date): Promise<TurnReads> {
    const first = await batchGetAll(
      this.doc,
      this.table,
      [keys.identity(ref), ...(key ? [keys.processed(key.channel, key.updateId)] : [])],
      { consistent: true },
    );
    const marker = first.find((i) => i.SK === 'UPD');
    // The turn erased its presser: nothing to send again, nothing to decide.
    if (marker && !expired(marker, now))
      return { person: null, flow: null, record: { lang: '', outbound: [] } };
    const personId = first.find((i) => i.SK === 'CH')?.personId;
    if (typeof personId !== 'string') return { person: null, flow: null, record: null };
    const second = await batchGetAll(
      this.doc,
      this.table,
      [
        keys.person(personId),
        keys.flow(personId),
        ...(key ? [keys.turn(personId, key.channel, key.updateId)] : []),
      ],
      { consistent: true },
    );
    const profile = second.find((i) => i.SK === 'PROFILE');
    const flow = second.find((i) => i.SK === 'FLOW');
    const record = second.find((i) => String(i.SK).startsWith('TURN#') && !expired(i, now));
    return {
      person: profile ? fromItem<Person>(profile) : null,
      flow: flow ? flowFromItem(flow, now) : null,
      record: record ? (JSON.parse(String(record.record)) as TurnRecord) : null,
    };
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
    if (c.flow && c.personId)
      items.push({ Put: this.flowPut(c.personId, c.flow.state, c.flow.readVersion, c.now) });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      const reasons = err instanceof TransactionCanceledException ? (err.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed')
        throw new TurnRecordedError(`${c.key.channel}#${c.key.updateId}`);
      if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new FlowConflictError(c.personId ?? '');
      throw err;
    }
  }

  async findPersonByChannel(ref: ChannelRef): Promise<Person | null> {
    const got = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.identity(ref) }));
    const personId = got.Item?.personId;
    return typeof personId === 'string' ? this.getPerson(personId) : null;
  }

  async createPerson(person: Person, ref: ChannelRef): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.identity(ref), [attr.entity]: entity.identity, personId: person.id },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: this.personItem(person),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new IdentityTakenError();
      throw err;
    }
  }

  async getPerson(id: string): Promise<Person | null> {
    const got = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.person(id) }));
    return got.Item ? fromItem<Person>(got.Item) : null;
  }

  async getPeople(ids: string[]): Promise<Person[]> {
    const unique = [...new Set(ids)];
    const items = await batchGetAll(
      this.doc,
      this.table,
      unique.map((id) => keys.person(id)),
    );
    return items.map((item) => fromItem<Person>(item));
  }

  async savePerson(person: Person): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: this.personItem(person) }));
  }

  async getPrivate(personId: string): Promise<PrivateDetails> {
    const got = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.private(personId) }));
    return got.Item ? fromItem<PrivateDetails>(got.Item) : {};
  }

  async savePrivate(personId: string, details: PrivateDetails): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.private(personId), [attr.entity]: entity.private, ...details },
      }),
    );
  }

  async listPeople(zoneId: string, role: Role, status?: VolunteerStatus): Promise<Person[]> {
    const people: Person[] = [];
    const got = await queryAll(this.doc, {
      TableName: this.table,
      IndexName: index.byList,
      KeyConditionExpression: status ? '#pk = :pk AND begins_with(#sk, :status)' : '#pk = :pk',
      ExpressionAttributeNames: status ? { '#pk': attr.gsi1pk, '#sk': attr.gsi1sk } : { '#pk': attr.gsi1pk },
      ExpressionAttributeValues: status
        ? { ':pk': byList.zoneRole(zoneId, role), ':status': `${status}#` }
        : { ':pk': byList.zoneRole(zoneId, role) },
    });
    for (const item of got) people.push(fromItem<Person>(item));
    return people;
  }

  async decideVolunteer(
    volunteerId: string,
    status: 'approved' | 'rejected',
    by: string,
    at: Date,
  ): Promise<Person> {
    try {
      const got = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.person(volunteerId),
          UpdateExpression:
            'SET volunteer.#status = :status, volunteer.decidedBy = :by, volunteer.decidedAt = :at, #gsk = :gsk',
          ConditionExpression: '#role = :volunteer AND volunteer.#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#role': 'role', '#gsk': attr.gsi1sk },
          ExpressionAttributeValues: {
            ':status': status,
            ':by': by,
            ':at': at.toISOString(),
            ':gsk': byList.status(status, volunteerId),
            ':volunteer': 'volunteer',
            ':pending': 'pending',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem<Person>(got.Attributes ?? {});
    } catch (err) {
      if (isConditionFailure(err)) throw new AlreadyDecidedError();
      throw err;
    }
  }

  async getFlow(personId: string, now: Date): Promise<FlowState | null> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.flow(personId), ConsistentRead: true }),
    );
    return got.Item ? flowFromItem(got.Item, now) : null;
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
    try {
      await this.doc.send(new PutCommand(this.flowPut(personId, state, readVersion, now)));
    } catch (err) {
      if (isConditionFailure(err)) throw new FlowConflictError(personId);
      throw err;
    }
  }

  async createInvite(invite: Invite): Promise<void> {
    const ttl = Math.floor(Date.parse(invite.expiresAt) / 1000) + 24 * 3600;
    const puts: Record<string, unknown>[] = [
      { ...keys.invite(invite.code), [attr.entity]: entity.invite, [attr.ttl]: ttl, ...invite },
    ];
    if (invite.elderId) {
      puts.push({
        ...keys.inviteRef(invite.elderId, invite.code),
        [attr.entity]: entity.inviteRef,
        [attr.ttl]: ttl,
      });
    }
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: puts.map((Item) => ({
          Put: { TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(PK)' },
        })),
      }),
    );
  }

  async getInvite(code: string): Promise<Invite | null> {
    const got = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.invite(code) }));
    return got.Item ? fromItem<Invite>(got.Item) : null;
  }

  async claimInvite(code: string, kind: Invite['kind'], now: Date): Promise<Invite> {
    try {
      const got = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.invite(code),
          // Who used it is not kept: the invite must not outlive the person's erasure.
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression:
            'attribute_exists(PK) AND attribute_not_exists(usedAt) AND kind = :kind AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':kind': kind },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem<Invite>(got.Attributes ?? {});
    } catch (err) {
      if (isConditionFailure(err)) throw new InviteUnavailableError();
      throw err;
    }
  }

  async putLink(link: RelativeLink): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: {
                ...keys.relativeLink(link.elderId, link.relativeId),
                [attr.entity]: entity.relativeLink,
                ...link,
              },
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: {
                ...keys.elderLink(link.relativeId, link.elderId),
                [attr.entity]: entity.elderLink,
                ...link,
              },
            },
          },
        ],
      }),
    );
  }

  async getLink(elderId: string, relativeId: string): Promise<RelativeLink | null> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.relativeLink(elderId, relativeId) }),
    );
    return got.Item ? fromItem<RelativeLink>(got.Item) : null;
  }

  async confirmLink(elderId: string, relativeId: string, at: Date): Promise<void> {
    const update = (Key: Key) => ({
      Update: {
        TableName: this.table,
        Key,
        UpdateExpression: 'SET #status = :confirmed, confirmedAt = :at',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':confirmed': 'confirmed',
          ':pending': 'pending',
          ':at': at.toISOString(),
        },
      },
    });
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            update(keys.relativeLink(elderId, relativeId)),
            update(keys.elderLink(relativeId, elderId)),
          ],
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new LinkUnavailableError();
      throw err;
    }
  }

  async deleteLink(elderId: string, relativeId: string): Promise<void> {
    await this.deleteKeys([keys.relativeLink(elderId, relativeId), keys.elderLink(relativeId, elderId)]);
  }

  private queryPartition(pk: string, skBegins?: string): Promise<Record<string, unknown>[]> {
    return queryPartition(this.doc, this.table, pk, skBegins);
  }

  async listRelatives(elderId: string): Promise<RelativeLink[]> {
    return (await this.queryPartition(personPk(elderId), skPrefix.relative)).map((i) =>
      fromItem<RelativeLink>(i),
    );
  }

  async listElders(relativeId: string): Promise<RelativeLink[]> {
    return (await this.queryPartition(personPk(relativeId), skPrefix.elder)).map((i) =>
      fromItem<RelativeLink>(i),
    );
  }

  async markProcessed(channel: string, updateId: string, now: Date, ttlSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.processed(channel, updateId),
            [attr.entity]: entity.processed,
            [attr.ttl]: epoch(now) + ttlSeconds,
          },
          // An expired record (not yet deleted by TTL) no longer counts.
          ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :now',
          ExpressionAttributeNames: { '#ttl': attr.ttl },
          ExpressionAttributeValues: { ':now': epoch(now) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async unmarkProcessed(channel: string, updateId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.processed(channel, updateId) }));
  }

  exportPerson(personId: string): Promise<Record<string, unknown>[]> {
    return exportPersonData(this.doc, this.table, personId);
  }

  erasePerson(personId: string): Promise<number> {
    return erasePersonData(this.doc, this.table, personId);
  }

  private deleteKeys(all: Key[]): Promise<void> {
    return deleteKeys(this.doc, this.table, all);
  }
}
