/**
 * A turn's reads against DynamoDB Local: one call where this process has read the chat before
 * (the person's items read with the identity, on the hint of whose it was), two otherwise, and
 * the same answer either way, also when the chat has become someone else's meanwhile.
 */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChannelRef, Person } from '../../bot/domain/person.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { keys } from '../../bot/adapters/store/keys.js';
import { countingClient, testTable, type CallCounter } from '../support/dynamo.js';

const now = new Date('2026-11-21T08:10:00Z');
let doc: DynamoDBDocumentClient;
let table: string;
let counter: CallCounter;

const person = (id: string, ref: ChannelRef): Person => ({
  id,
  lang: 'it',
  createdAt: now.toISOString(),
  channels: [ref],
  role: 'elder',
  zoneId: 'nord',
  onboardedAt: now.toISOString(),
});

const key = (updateId: number) => ({ channel: 'telegram', updateId: String(updateId) });

beforeAll(async () => {
  ({ doc, tableName: table } = await testTable());
  counter = countingClient(doc);
});

describe('a turn read on the hint of whose the chat was', () => {
  it('reads once for a chat read before in this process, twice for one it has not', async () => {
    const ref: ChannelRef = { channel: 'telegram', id: 'tg-hint-1' };
    const writer = new DynamoStore(doc, table, () => now);
    await writer.createPerson(person('h1', ref), ref);
    await writer.saveFlow('h1', { flow: 'edit', step: 'addr', data: {} }, 0, now);
    const store = new DynamoStore(doc, table, () => now);
    counter.reset();
    const first = await store.readTurn(ref, key(1), now, ['2026-11-21']);
    expect(counter.counts).toEqual({ BatchGetItemCommand: 2 });
    counter.reset();
    const again = await store.readTurn(ref, key(2), now, ['2026-11-21']);
    expect(counter.counts).toEqual({ BatchGetItemCommand: 1 });
    expect(again).toEqual(first);
    expect(again).toMatchObject({ person: { id: 'h1' }, flow: { flow: 'edit', step: 'addr', version: 1 } });
  });

  it("reads the chat's new person when the identity names someone else now", async () => {
    const ref: ChannelRef = { channel: 'telegram', id: 'tg-hint-2' };
    const store = new DynamoStore(doc, table, () => now);
    await store.createPerson(person('h2', ref), ref);
    expect((await store.readTurn(ref, key(3), now)).person?.id).toBe('h2');
    // Another process erased her; the chat came back as someone new.
    await new DynamoStore(doc, table, () => now).erasePerson('h2');
    await doc.send(new DeleteCommand({ TableName: table, Key: keys.identity(ref) }));
    await store.createPerson(person('h3', ref), ref);
    counter.reset();
    expect((await store.readTurn(ref, key(4), now)).person?.id).toBe('h3');
    expect(counter.counts).toEqual({ BatchGetItemCommand: 2 });
    counter.reset();
    expect((await store.readTurn(ref, key(5), now)).person?.id).toBe('h3');
    expect(counter.counts).toEqual({ BatchGetItemCommand: 1 });
  });

  it('finds no one once the identity is gone, and the turn marker of an erasing turn first', async () => {
    const ref: ChannelRef = { channel: 'telegram', id: 'tg-hint-3' };
    const store = new DynamoStore(doc, table, () => now);
    await store.createPerson(person('h4', ref), ref);
    expect((await store.readTurn(ref, key(6), now)).person?.id).toBe('h4');
    await new DynamoStore(doc, table, () => now).erasePerson('h4');
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...keys.processed('telegram', '7'), entity: 'processed', ttl: 2_000_000_000 },
      }),
    );
    expect(await store.readTurn(ref, key(7), now)).toEqual({
      person: null,
      flow: null,
      record: { lang: '', outbound: [] },
    });
    expect(await store.readTurn(ref, key(8), now)).toEqual({ person: null, flow: null, record: null });
  });
});
