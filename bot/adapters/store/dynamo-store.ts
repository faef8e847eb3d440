import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  Broadcast,
  BroadcastOutcome,
  FlowState,
  RelativeLink,
  Store,
  TurnCommit,
  TurnKey,
  TurnReads,
  TurnRecord,
} from '../../core/ports.js';
import { AlreadyDecidedError, IdentityTakenError, PersonChangedError } from '../../core/errors.js';
import { changes, updateExpression, type Change } from './patch.js';
import { byCell, byList, entity, keys } from './keys.js';
import { batchGetAll, queryAll } from './batch.js';
import { attr, index } from './table.js';
import { erasePersonData, exportPersonData } from './person-data.js';
import { epoch, expired, fromItem, ifConditionFails, strangerTtl } from './items.js';
import { TableAdapter } from './table-adapter.js';
import { privateFieldUpdate } from './private-details.js';
import { DynamoTurns } from './dynamo-turns.js';
import { DynamoInvitesLinks } from './dynamo-invites-links.js';
import { DynamoBroadcasts } from './dynamo-broadcasts.js';

/** A person as stored: the profile plus the GSI1 keys that list people of a role in a zone. */
export function personItem(person: Person): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...keys.person(person.id),
    [attr.entity]: entity.person,
    ...person,
  };
  // Someone who never finishes onboarding leaves the table; finishing removes the TTL (savePerson's diff).
  const ttl = strangerTtl(person);
  if (ttl !== undefined) item[attr.ttl] = ttl;
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

/**
 * The single-table Store on DynamoDB (AWS or DynamoDB Local): people, their
 * identities and private details here; turns and flows in dynamo-turns.ts;
 * invites and relative links in dynamo-invites-links.ts; export and erasure in person-data.ts.
 */
/** What a person's index keys derive from (see `personItem`). */
const keyInputs = [['role'], ['zoneId'], ['place'], ['volunteer', 'status'], ['volunteer', 'available']];
const indexed = new Set<string>([attr.gsi1pk, attr.gsi1sk, attr.gsi3pk, attr.gsi3sk]);
const startsWith = (path: string[], prefix: string[]) => prefix.every((part, i) => path[i] === part);
const derivesKeys = (path: string[]) => keyInputs.some((k) => startsWith(path, k) || startsWith(k, path));

/**
 * Index keys are written from the profile's role, zone, place, status and availability: those
 * the write does not set itself must still hold the values the keys were computed from.
 */
function keyInputsAsWritten(list: Change[], item: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const conditions: string[] = [];
  keyInputs.forEach((path, i) => {
    if (list.some((c) => startsWith(path, c.path) || startsWith(c.path, path))) return;
    const ref = path
      .map((part, j) => {
        names[`#k${i}${j}`] = part;
        return `#k${i}${j}`;
      })
      .join('.');
    const value = path.reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part], item);
    if (value === undefined) conditions.push(`attribute_not_exists(${ref})`);
    else {
      values[`:k${i}`] = value;
      conditions.push(`${ref} = :k${i}`);
    }
  });
  return { names, values, conditions };
}

export class DynamoStore extends TableAdapter implements Store {
  private readonly turns = new DynamoTurns(this.doc, this.table);
  private readonly invitesLinks = new DynamoInvitesLinks(this.doc, this.table);

  private readonly broadcasts = new DynamoBroadcasts(this.doc, this.table, () => this.now());

  /** `now` is the app's clock: reads skip people whose TTL has passed (DynamoDB deletes late, Local never). */
  constructor(
    doc: DynamoDBDocumentClient,
    table: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(doc, table);
  }

  async findPersonByChannel(ref: ChannelRef): Promise<Person | null> {
    const identity = await this.getItem(keys.identity(ref));
    const personId = identity && !expired(identity, this.now()) ? identity.personId : undefined;
    return typeof personId === 'string' ? this.getPerson(personId) : null;
  }

  /**
   * The person and their channel identity, both new; an identity left by a stranger whose
   * onboarding expired counts as free, and is taken over.
   */
  async createPerson(person: Person, ref: ChannelRef): Promise<void> {
    const ttl = strangerTtl(person);
    const fresh = {
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :now',
      ExpressionAttributeNames: { '#ttl': attr.ttl },
      ExpressionAttributeValues: { ':now': epoch(new Date(person.createdAt)) },
    };
    const identity = {
      ...keys.identity(ref),
      [attr.entity]: entity.identity,
      personId: person.id,
      ...(ttl === undefined ? {} : { [attr.ttl]: ttl }),
    };
    const write = this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: identity, ...fresh } },
          {
            Put: {
              TableName: this.table,
              Item: personItem(person),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
    await ifConditionFails(write, () => {
      throw new IdentityTakenError();
    });
  }

  async getPerson(id: string): Promise<Person | null> {
    const item = await this.getItem(keys.person(id));
    return item && !expired(item, this.now()) ? fromItem<Person>(item) : null;
  }

  async getPeople(ids: string[]): Promise<Person[]> {
    const unique = [...new Set(ids)];
    const items = await batchGetAll(
      this.doc,
      this.table,
      unique.map((id) => keys.person(id)),
    );
    const now = this.now();
    return items.filter((item) => !expired(item, now)).map((item) => fromItem<Person>(item));
  }

  async getPeopleWithPrivate(ids: string[]): Promise<{ person: Person; details: PrivateDetails }[]> {
    const unique = [...new Set(ids)];
    // Profiles and private details in the same batches: 50 people to a call of 100 keys.
    const items = await batchGetAll(
      this.doc,
      this.table,
      unique.flatMap((id) => [keys.person(id), keys.private(id)]),
    );
    const now = this.now();
    const byPk = (sk: string) =>
      new Map(items.filter((i) => i.SK === sk).map((i) => [String(i.PK), i] as const));
    const profiles = byPk(keys.person('').SK);
    const privates = byPk(keys.private('').SK);
    return unique.flatMap((id) => {
      const profile = profiles.get(keys.person(id).PK);
      if (!profile || expired(profile, now)) return [];
      const details = privates.get(keys.private(id).PK);
      return [
        { person: fromItem<Person>(profile), details: details ? fromItem<PrivateDetails>(details) : {} },
      ];
    });
  }

  async savePerson(person: Person, read: Person | null): Promise<void> {
    if (!read) return this.putItem(personItem(person));
    const list = changes(personItem(read), personItem(person));
    if (!list.length) return;
    const guard = list.some((c) => indexed.has(c.path[0]!) || derivesKeys(c.path))
      ? keyInputsAsWritten(list, personItem(person))
      : { names: {}, values: {}, conditions: [] };
    const names = { '#pk': 'PK', ...guard.names };
    const values = guard.values;
    const conditions = ['attribute_exists(#pk)', ...guard.conditions];
    const update = updateExpression(list, names);
    const allValues = { ...update.ExpressionAttributeValues, ...values };
    const profile = {
      TableName: this.table,
      Key: keys.person(person.id),
      ...update,
      // DynamoDB refuses an empty map of values (a write that only removes attributes has none).
      ...(Object.keys(allValues).length ? { ExpressionAttributeValues: allValues } : {}),
      ConditionExpression: conditions.join(' AND '),
    };
    // Onboarding finished: the channel identities stop expiring with the profile, in the same write.
    const kept = !read.onboardedAt && !!person.onboardedAt;
    const write = kept
      ? this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: profile },
              ...person.channels.map((ref) => ({
                Update: {
                  TableName: this.table,
                  Key: keys.identity(ref),
                  UpdateExpression: 'REMOVE #ttl',
                  ConditionExpression: 'personId = :id',
                  ExpressionAttributeNames: { '#ttl': attr.ttl },
                  ExpressionAttributeValues: { ':id': person.id },
                },
              })),
            ],
          }),
        )
      : this.updateItem(profile);
    await ifConditionFails(write, () => {
      throw new PersonChangedError(person.id);
    });
  }

  async getPrivate(personId: string): Promise<PrivateDetails> {
    const item = await this.getItem(keys.private(personId));
    return item ? fromItem<PrivateDetails>(item) : {};
  }

  async savePrivate(personId: string, details: PrivateDetails): Promise<void> {
    await this.putItem({ ...keys.private(personId), [attr.entity]: entity.private, ...details });
  }

  async setPrivate(personId: string, field: keyof PrivateDetails, value: string | undefined): Promise<void> {
    await this.updateItem(privateFieldUpdate(personId, field, value));
  }

  async listPeople(zoneId: string, role: Role, status?: VolunteerStatus): Promise<Person[]> {
    const got = await queryAll(this.doc, {
      TableName: this.table,
      IndexName: index.byList,
      KeyConditionExpression: status ? '#pk = :pk AND begins_with(#sk, :status)' : '#pk = :pk',
      ExpressionAttributeNames: status ? { '#pk': attr.gsi1pk, '#sk': attr.gsi1sk } : { '#pk': attr.gsi1pk },
      ExpressionAttributeValues: status
        ? { ':pk': byList.zoneRole(zoneId, role), ':status': `${status}#` }
        : { ':pk': byList.zoneRole(zoneId, role) },
    });
    const now = this.now();
    return got.filter((item) => !expired(item, now)).map((item) => fromItem<Person>(item));
  }

  async decideVolunteer(
    volunteerId: string,
    status: 'approved' | 'rejected',
    by: string,
    at: Date,
  ): Promise<Person> {
    const update = this.updateItem({
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
    });
    const decided = await ifConditionFails(update, () => {
      throw new AlreadyDecidedError();
    });
    return fromItem<Person>(decided ?? {});
  }

  exportPerson(personId: string): Promise<Record<string, unknown>[]> {
    return exportPersonData(this.doc, this.table, personId);
  }

  erasePerson(personId: string): Promise<number> {
    this.turns.forget(personId);
    return erasePersonData(this.doc, this.table, personId);
  }

  // Turns and flows.
  readTurn(
    ref: ChannelRef,
    key: TurnKey | null,
    now: Date,
    checkInDates?: string[],
    requestId?: string,
  ): Promise<TurnReads> {
    return this.turns.readTurn(ref, key, now, checkInDates, requestId);
  }
  turnCommitted(personId: string, key: TurnKey): Promise<boolean> {
    return this.turns.turnCommitted(personId, key);
  }
  commitTurn(commit: TurnCommit): Promise<void> {
    return this.turns.commitTurn(commit);
  }
  settleTurn(personId: string, key: TurnKey, record: TurnRecord): Promise<void> {
    return this.turns.settleTurn(personId, key, record);
  }
  getFlow(personId: string, now: Date): Promise<FlowState | null> {
    return this.turns.getFlow(personId, now);
  }
  saveFlow(personId: string, state: Omit<FlowState, 'version'> | null, readVersion: number, now: Date) {
    return this.turns.saveFlow(personId, state, readVersion, now);
  }

  // Invites and relative links.
  createInvite(invite: Invite, once?: string): Promise<Invite> {
    return this.invitesLinks.createInvite(invite, once);
  }
  getInvite(code: string): Promise<Invite | null> {
    return this.invitesLinks.getInvite(code);
  }
  claimInvite(code: string, kind: Invite['kind'], now: Date): Promise<Invite> {
    return this.invitesLinks.claimInvite(code, kind, now);
  }
  putLink(link: RelativeLink): Promise<void> {
    return this.invitesLinks.putLink(link);
  }
  getLink(elderId: string, relativeId: string): Promise<RelativeLink | null> {
    return this.invitesLinks.getLink(elderId, relativeId);
  }
  confirmLink(elderId: string, relativeId: string, at: Date): Promise<void> {
    return this.invitesLinks.confirmLink(elderId, relativeId, at);
  }
  deleteLink(elderId: string, relativeId: string): Promise<void> {
    return this.invitesLinks.deleteLink(elderId, relativeId);
  }
  listRelatives(elderId: string): Promise<RelativeLink[]> {
    return this.invitesLinks.listRelatives(elderId);
  }
  listElders(relativeId: string): Promise<RelativeLink[]> {
    return this.invitesLinks.listElders(relativeId);
  }

  createBroadcast(broadcast: Omit<Broadcast, 'counts' | 'reportedAt'>): Promise<void> {
    return this.broadcasts.createBroadcast(broadcast);
  }

  countBroadcastOutcome(
    by: string,
    broadcastId: string,
    outcome: BroadcastOutcome,
    message: string,
  ): Promise<Broadcast | null> {
    return this.broadcasts.countBroadcastOutcome(by, broadcastId, outcome, message);
  }

  markBroadcastReported(by: string, broadcastId: string, at: Date): Promise<boolean> {
    return this.broadcasts.markBroadcastReported(by, broadcastId, at);
  }
}
