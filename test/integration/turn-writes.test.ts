/**
 * A use case's writes made in the turn's one commit, against DynamoDB Local: the check-in
 * read with the person, closed (and its figures counted) in the same transaction as the
 * turn record, and a close that finds the check-in answered meanwhile writes nothing at all;
 * a volunteer's accept with her recent tasks, the first commit winning.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckIn } from '../../bot/domain/alert.js';
import type { Person } from '../../bot/domain/person.js';
import type { HelpRequest } from '../../bot/domain/request.js';
import type { TurnWrite } from '../../bot/core/ports.js';
import { TurnWriteConflictError } from '../../bot/core/errors.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { DynamoCheckIns } from '../../bot/adapters/store/dynamo-checkins.js';
import { DynamoRequests } from '../../bot/adapters/store/dynamo-requests.js';
import { keys } from '../../bot/adapters/store/keys.js';
import { testTable } from '../support/dynamo.js';

const now = new Date('2026-11-21T08:10:00Z');
let doc: DynamoDBDocumentClient;
let table: string;
let store: DynamoStore;
let checkIns: DynamoCheckIns;

const raw = async (key: { PK: string; SK: string }) =>
  (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

const elder = (id: string): Person => ({
  id,
  lang: 'it',
  createdAt: now.toISOString(),
  channels: [{ channel: 'telegram', id: `tg-${id}` }],
  role: 'elder',
  zoneId: 'nord',
  onboardedAt: now.toISOString(),
});

const prompted = (elderId: string, localDate: string): CheckIn => ({
  elderId,
  localDate,
  zoneId: 'nord',
  state: 'prompted',
  promptedAt: '2026-11-21T08:00:00Z',
  rungsDone: [],
  alerted: [],
});

const fine = (elderId: string): TurnWrite[] => [
  { kind: 'closeCheckIn', elderId, localDate: '2026-11-21', state: 'fine', by: elderId, at: now },
  {
    kind: 'count',
    event: {
      id: `answer.${elderId}.2026-11-21`,
      writes: [{ zoneId: '*', week: '2026-W47', add: { add: { answered: 1 } } }],
    },
  },
];

beforeAll(async () => {
  ({ doc, tableName: table } = await testTable());
  store = new DynamoStore(doc, table, () => now);
  checkIns = new DynamoCheckIns(doc, table);
});

describe("a turn's writes in its commit", () => {
  it('reads the check-ins of the dates asked for with the person, in the same two calls', async () => {
    await store.createPerson(elder('e1'), { channel: 'telegram', id: 'tg-e1' });
    await checkIns.createCheckIn(prompted('e1', '2026-11-21'));
    const read = await store.readTurn({ channel: 'telegram', id: 'tg-e1' }, null, now, [
      '2026-11-21',
      '2026-11-20',
    ]);
    expect(read.person?.id).toBe('e1');
    expect(read.checkIns).toEqual([prompted('e1', '2026-11-21')]);
  });

  it('closes the check-in and counts it with the turn record; a second close writes nothing', async () => {
    await store.createPerson(elder('e2'), { channel: 'telegram', id: 'tg-e2' });
    await checkIns.createCheckIn(prompted('e2', '2026-11-21'));
    const commit = (updateId: string) =>
      store.commitTurn({
        key: { channel: 'telegram', updateId },
        personId: 'e2',
        record: { lang: 'it', outbound: [] },
        writes: fine('e2'),
        now,
        ttlSeconds: 3600,
      });
    await commit('u1');
    expect(await raw(keys.checkIn('e2', '2026-11-21'))).toMatchObject({ state: 'fine', answeredBy: 'e2' });
    expect(await raw(keys.figures('*', '2026-W47'))).toMatchObject({ n_answered: 1 });
    expect(await raw(keys.turn('e2', 'telegram', 'u1'))).toBeDefined();

    // Another update deciding on a stale read: the close's condition fails, so neither its turn
    // record nor a second count is written, and the turn runs again from fresh reads.
    await expect(commit('u2')).rejects.toBeInstanceOf(TurnWriteConflictError);
    expect(await raw(keys.turn('e2', 'telegram', 'u2'))).toBeUndefined();
    expect(await raw(keys.figures('*', '2026-W47'))).toMatchObject({ n_answered: 1 });
  });
});

describe('an accept in the commit', () => {
  const volunteer = (id: string, recentTasks?: string[]): Person => ({
    ...elder(id),
    role: 'volunteer',
    volunteer: {
      status: 'approved',
      radiusKm: 2,
      categories: ['pharmacy'],
      days: [],
      dayParts: [],
      languages: ['it'],
      ...(recentTasks ? { recentTasks } : {}),
    },
  });
  const request = (id: string, offeredTo: string[]): HelpRequest => ({
    id,
    elderId: 'e9',
    createdBy: 'e9',
    zoneId: 'nord',
    neighbourhoodId: 'mompiano',
    lat: 45.56,
    lon: 10.23,
    category: 'pharmacy',
    when: { kind: 'today', date: '2026-11-21' },
    urgent: false,
    state: 'open',
    wave: 1,
    stage: 1,
    followers: [],
    offeredTo,
    excluded: [],
    offerMsgs: {},
    createdAt: '2026-11-21T08:00:00Z',
  });
  const accept = (requestId: string, volunteerId: string, read: string[]): TurnWrite[] => [
    { kind: 'accept', requestId, volunteerId, at: now },
    { kind: 'recentTasks', volunteerId, read, recent: [...read, now.toISOString()] },
  ];
  const commit = (personId: string, updateId: string, writes: TurnWrite[]) =>
    store.commitTurn({
      key: { channel: 'telegram', updateId },
      personId,
      record: { lang: 'it', outbound: [] },
      writes,
      now,
      ttlSeconds: 3600,
    });

  it('assigns the request, takes it off the open list and keeps her recent task; a second accept writes nothing', async () => {
    const requests = new DynamoRequests(doc, table);
    await store.createPerson(volunteer('v1'), { channel: 'telegram', id: 'tg-v1' });
    await store.createPerson(volunteer('v2', ['2026-11-20T10:00:00.000Z']), {
      channel: 'telegram',
      id: 'tg-v2',
    });
    await requests.createRequest(request('acc1', ['v1', 'v2']));
    expect((await requests.openRequests('nord')).map((r) => r.id)).toContain('acc1');
    // Both decided from the open request; the first commit wins.
    await commit('v2', 'a1', accept('acc1', 'v2', ['2026-11-20T10:00:00.000Z']));
    await expect(commit('v1', 'a2', accept('acc1', 'v1', []))).rejects.toBeInstanceOf(TurnWriteConflictError);
    expect(await requests.getRequest('acc1')).toMatchObject({ state: 'assigned', assignedTo: 'v2' });
    expect((await requests.openRequests('nord')).map((r) => r.id)).not.toContain('acc1');
    expect(await raw(keys.request('acc1'))).not.toHaveProperty('GSI1PK');
    expect((await store.getPerson('v2'))?.volunteer?.recentTasks).toEqual([
      '2026-11-20T10:00:00.000Z',
      now.toISOString(),
    ]);
    // The loser's turn left nothing: no record, no recent task.
    expect(await raw(keys.turn('v1', 'telegram', 'a2'))).toBeUndefined();
    expect((await store.getPerson('v1'))?.volunteer?.recentTasks).toBeUndefined();
  });

  it('refuses recent tasks that moved since the read, or a volunteer suspended meanwhile', async () => {
    const requests = new DynamoRequests(doc, table);
    await store.createPerson(volunteer('v3', ['2026-11-20T10:00:00.000Z']), {
      channel: 'telegram',
      id: 'tg-v3',
    });
    await requests.createRequest(request('acc2', ['v3']));
    // Read before another accept of hers added a task: decided again.
    await expect(commit('v3', 'b1', accept('acc2', 'v3', []))).rejects.toBeInstanceOf(TurnWriteConflictError);
    expect(await requests.getRequest('acc2')).toMatchObject({ state: 'open' });
    const read = (await store.getPerson('v3'))!;
    await store.savePerson({ ...read, volunteer: { ...read.volunteer!, status: 'suspended' } }, read);
    await expect(
      commit('v3', 'b2', accept('acc2', 'v3', ['2026-11-20T10:00:00.000Z'])),
    ).rejects.toBeInstanceOf(TurnWriteConflictError);
    expect(await requests.getRequest('acc2')).toMatchObject({ state: 'open' });
  });
});
