import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../bot/domain/alert.js';
import type { Person } from '../../bot/domain/person.js';
import { IdentityTakenError } from '../../bot/core/errors.js';
import { DynamoAlerts } from '../../bot/adapters/store/dynamo-alerts.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { keys } from '../../bot/adapters/store/keys.js';
import { epoch } from '../../bot/adapters/store/items.js';
import { testTable } from '../support/dynamo.js';

const day = 86400_000;
const start = new Date('2026-11-21T10:00:00Z');
// One clock for the adapters, moved by the tests: DynamoDB Local never deletes, the reads must skip.
let now = start;
let doc: DynamoDBDocumentClient;
let table: string;
let store: DynamoStore;
let alerts: DynamoAlerts;

const raw = async (key: { PK: string; SK: string }) =>
  (await doc.send(new GetCommand({ TableName: table, Key: key }))).Item;

const stranger = (id: string, createdAt = start): Person => ({
  id,
  lang: 'it',
  createdAt: createdAt.toISOString(),
  channels: [{ channel: 'telegram', id: `tg-${id}` }],
});

beforeAll(async () => {
  ({ doc, tableName: table } = await testTable());
  store = new DynamoStore(doc, table, () => now);
  alerts = new DynamoAlerts(doc, table, () => now);
});

describe('alerts expire after resolution', () => {
  const alert = (id: string): Alert => ({
    id,
    kind: 'missedCheckIn',
    state: 'open',
    zoneId: 'nord',
    personId: 'e1',
    createdAt: start.toISOString(),
    notified: [],
  });

  it('an open or acknowledged alert has no TTL; resolving sets one the retention period later', async () => {
    now = start;
    await alerts.raise(alert('a1'));
    await alerts.acknowledge('a1', 'm1', now);
    expect((await raw(keys.alert('a1')))?.ttl).toBeUndefined();
    const resolvedAt = new Date(start.getTime() + 3600_000);
    const resolved = await alerts.resolve('a1', 'm1', resolvedAt, 30);
    expect(resolved?.state).toBe('resolved');
    expect((await raw(keys.alert('a1')))?.ttl).toBe(epoch(resolvedAt) + 30 * 86400);
  });

  it('a resolved alert past its TTL reads as gone (Local keeps it)', async () => {
    now = start;
    await alerts.raise(alert('a2'));
    await alerts.resolve('a2', 'm1', start, 7);
    now = new Date(start.getTime() + 7 * day - 1000);
    expect((await alerts.getAlert('a2'))?.state).toBe('resolved');
    now = new Date(start.getTime() + 7 * day);
    expect(await alerts.getAlert('a2')).toBeNull();
    expect(await raw(keys.alert('a2'))).toBeDefined();
  });
});

describe('people who never finish onboarding expire after 30 days', () => {
  it('the profile and the identity carry a TTL until onboarding completes, then lose it', async () => {
    now = start;
    const p = stranger('s1');
    await store.createPerson(p, p.channels[0]!);
    const ttl = epoch(start) + 30 * 86400;
    expect((await raw(keys.person('s1')))?.ttl).toBe(ttl);
    expect((await raw(keys.identity(p.channels[0]!)))?.ttl).toBe(ttl);

    // A step of onboarding changes the profile: the TTL stays.
    const named = { ...p, lang: 'en' };
    await store.savePerson(named, p);
    expect((await raw(keys.person('s1')))?.ttl).toBe(ttl);

    const onboarded: Person = { ...named, role: 'elder', name: 'Ada', onboardedAt: start.toISOString() };
    await store.savePerson(onboarded, named);
    expect((await raw(keys.person('s1')))?.ttl).toBeUndefined();
    expect((await raw(keys.identity(p.channels[0]!)))?.ttl).toBeUndefined();

    now = new Date(start.getTime() + 400 * day);
    expect((await store.getPerson('s1'))?.name).toBe('Ada');
    expect((await store.findPersonByChannel(p.channels[0]!))?.id).toBe('s1');
  });

  it('an expired stranger is absent from every read, and their chat can start afresh', async () => {
    now = start;
    const p = stranger('s2');
    const ref = p.channels[0]!;
    await store.createPerson(p, ref);
    now = new Date(start.getTime() + 30 * day - 1000);
    expect((await store.getPerson('s2'))?.id).toBe('s2');
    expect((await store.readTurn(ref, null, now)).person?.id).toBe('s2');

    now = new Date(start.getTime() + 30 * day);
    expect(await store.getPerson('s2')).toBeNull();
    expect(await store.getPeople(['s2'])).toEqual([]);
    expect(await store.findPersonByChannel(ref)).toBeNull();
    expect(await store.readTurn(ref, null, now)).toMatchObject({ person: null, flow: null, record: null });

    // The same chat writes again: a new person takes the expired identity over.
    const again = { ...stranger('s2bis', now), channels: [ref] };
    await store.createPerson(again, ref);
    expect((await store.findPersonByChannel(ref))?.id).toBe('s2bis');
    expect((await raw(keys.identity(ref)))?.ttl).toBe(epoch(now) + 30 * 86400);
  });

  it('a live identity is still taken', async () => {
    now = start;
    const p = stranger('s3');
    await store.createPerson(p, p.channels[0]!);
    await expect(store.createPerson(stranger('s3bis'), p.channels[0]!)).rejects.toBeInstanceOf(
      IdentityTakenError,
    );
  });

  it('an expired stranger with a role is not listed in their zone', async () => {
    now = start;
    const p: Person = { ...stranger('s4'), role: 'volunteer', zoneId: 'ovest' };
    await store.createPerson(p, p.channels[0]!);
    expect((await store.listPeople('ovest', 'volunteer')).map((x) => x.id)).toEqual(['s4']);
    now = new Date(start.getTime() + 31 * day);
    expect(await store.listPeople('ovest', 'volunteer')).toEqual([]);
  });
});
