/**
 * A notice held for quiet hours is found from its recipient's partition: `/mydata` lists it,
 * `/forget` erases its timer (with their chat and what it says) before it would go out.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../bot/domain/person.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { DynamoTimers } from '../../bot/adapters/store/dynamo-timers.js';
import { keys } from '../../bot/adapters/store/keys.js';
import { testTable } from '../support/dynamo.js';

const now = new Date('2026-11-21T22:30:00Z');
let doc: DynamoDBDocumentClient;
let table: string;
let store: DynamoStore;
let timers: DynamoTimers;

const raw = async (key: { PK: string; SK: string }) =>
  (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

const volunteer = (id: string): Person => ({
  id,
  lang: 'it',
  createdAt: now.toISOString(),
  channels: [{ channel: 'telegram', id: `tg-${id}` }],
  role: 'volunteer',
  onboardedAt: now.toISOString(),
});

const heldFor = (personId: string, id: string) => ({
  id: `held.${id}`,
  kind: 'held' as const,
  due: '2026-11-22T07:00:00.000Z',
  data: {
    message: { id, personId, to: { channel: 'telegram', id: `tg-${personId}` }, lang: 'it', replies: [] },
  },
});

beforeAll(async () => {
  ({ doc, tableName: table } = await testTable());
  store = new DynamoStore(doc, table, () => now);
  timers = new DynamoTimers(doc, table);
});

describe('notices held for quiet hours', () => {
  it("are in the recipient's /mydata and erased with them; someone else's stay", async () => {
    await store.createPerson(volunteer('v1'), { channel: 'telegram', id: 'tg-v1' });
    await store.createPerson(volunteer('v2'), { channel: 'telegram', id: 'tg-v2' });
    await timers.schedule([heldFor('v1', 'offer.r1.v1'), heldFor('v2', 'offer.r1.v2')]);

    expect((await timers.heldFor('v1')).map((t) => t.id)).toEqual(['held.offer.r1.v1']);
    const exported = await store.exportPerson('v1');
    expect(exported.filter((i) => i.entity === 'timer').map((i) => i.id)).toEqual(['held.offer.r1.v1']);

    await store.erasePerson('v1');
    expect(await raw(keys.timer('held.offer.r1.v1'))).toBeUndefined();
    expect(await raw(keys.quietRef('v1', 'held.offer.r1.v1'))).toBeUndefined();
    expect(await raw(keys.timer('held.offer.r1.v2'))).toBeDefined();
    expect(await timers.heldFor('v1')).toEqual([]);
  });
});
