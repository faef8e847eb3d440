import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoFigures } from '../../bot/adapters/store/dynamo-figures.js';
import { failingClient, testTable, type FaultInjector } from '../support/dynamo.js';

let now = new Date('2026-11-21T10:00:00Z');
let doc: DynamoDBDocumentClient;
let table: string;
let figures: DynamoFigures;
let faults: FaultInjector;

beforeAll(async () => {
  ({ doc, tableName: table } = await testTable());
  faults = failingClient(doc);
  figures = new DynamoFigures(doc, table, () => now);
});

const week = '2026-W47';
const add = (zoneId: string, counters: Record<string, number>, volunteerId?: string) => ({
  zoneId,
  week,
  add: { add: counters, ...(volunteerId ? { volunteerId } : {}) },
});

describe('the figures adapter on DynamoDB Local', () => {
  it('adds an event once, however often it is reported, to the zone and the network', async () => {
    const event = {
      id: 'answer.elder-1.2026-11-21',
      writes: [add('nord', { answered: 1, onTime: 1 }), add('*', { answered: 1, onTime: 1 })],
    };
    await figures.count(event);
    await figures.count(event);
    await figures.count({
      id: 'answer.elder-2.2026-11-21',
      writes: [add('nord', { answered: 1 }), add('*', { answered: 1 })],
    });
    const read = await figures.read(['nord', '*'], [week]);
    expect(read.weeks.get(`nord|${week}`)?.counters).toEqual({ answered: 2, onTime: 1 });
    expect(read.weeks.get(`*|${week}`)?.counters).toEqual({ answered: 2, onTime: 1 });
  });

  it('keeps volunteers’ loads by a hash, never by id', async () => {
    for (const [i, v] of ['vol-a', 'vol-a', 'vol-b'].entries())
      await figures.count({ id: `assign.r${i}.${v}`, writes: [add('sud', { assigned: 1 }, v)] });
    const read = await figures.read(['sud'], [week]);
    expect(read.weeks.get(`sud|${week}`)?.loads.sort()).toEqual([1, 2]);
    const items = (await doc.send(new ScanCommand({ TableName: table }))).Items ?? [];
    expect(JSON.stringify(items)).not.toMatch(/vol-a|vol-b|elder-1/);
  });

  it('moves people between zones in one transaction (the network’s own count nets out)', async () => {
    const people = (zoneId: string, n: number) => ({
      zoneId,
      week: 'people',
      add: { add: { role_elder: n } },
    });
    await figures.count({ id: 'people.e1.on', writes: [people('est', 1), people('*', 1)] });
    await figures.count({
      id: 'people.e1.move',
      writes: [people('est', -1), people('*', -1), people('ovest', 1), people('*', 1)],
    });
    await figures.count({ id: 'people.e2.gone', writes: [people('ovest', -1), people('*', -1)] });
    await figures.count({ id: 'people.e3.gone', writes: [people('ovest', -1), people('*', -1)] });
    const read = await figures.read(['est', 'ovest', '*'], []);
    expect(read.people.get('est')).toEqual({ elder: 0 });
    // Never below zero, even when someone counted before the figures existed leaves.
    expect(read.people.get('ovest')).toEqual({ elder: 0 });
  });

  it('tries a failed count again in place: the move it counts has happened already', async () => {
    faults.failAt(1);
    await figures.count({ id: 'ack.a1', writes: [add('centro', { acked: 1 })] });
    expect(faults.fired).toBe(true);
    faults.failAt(0);
    const read = await figures.read(['centro'], [week]);
    expect(read.weeks.get(`centro|${week}`)?.counters).toEqual({ acked: 1 });
  });

  it('ignores weeks past their time to live (DynamoDB Local never deletes them)', async () => {
    now = new Date(now.getTime() + 731 * 86400_000);
    const read = await figures.read(['nord'], [week]);
    expect(read.weeks.size).toBe(0);
  });
});
