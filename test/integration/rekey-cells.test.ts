import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../bot/app/common/deps.js';
import { findCandidates } from '../../bot/app/requests/routing.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { epoch } from '../../bot/adapters/store/items.js';
import { DynamoRequests } from '../../bot/adapters/store/dynamo-requests.js';
import { DynamoStore, personItem } from '../../bot/adapters/store/dynamo-store.js';
import { keys } from '../../bot/adapters/store/keys.js';
import { rekeyCells } from '../../bot/adapters/store/rekey-cells.js';
import type { HelpRequest } from '../../bot/domain/request.js';
import { cityVolunteer, prng } from '../../bench/support/city.js';
import { countingClient, testTable } from '../support/dynamo.js';
import { batchPut } from '../support/seed.js';

const now = new Date('2026-11-21T09:00:00.000Z');

/** A volunteer's item as a version before 2026-12 wrote it: the geo index partitioned by the precision-6 cell. */
function oldItem(item: Record<string, unknown>): Record<string, unknown> {
  const sort = item.GSI3SK as string;
  return { ...item, GSI3PK: `CELL#${sort.slice(0, 6)}` };
}

describe('db:init re-keys the geo index (rekeyCells)', () => {
  it('rewrites keys of the old precision, harmlessly when run again, and routing finds the volunteers', async () => {
    const { doc, tableName } = await testTable();
    const random = prng(31);
    // Within 3 km of the request, helping with its category as far as 5 km: each one a candidate.
    const volunteers = Array.from({ length: 30 }, (_, i) => {
      const v = cityVolunteer(i, random);
      const place = {
        ...v.place!,
        lat: 45.54 + (random() - 0.5) * 0.04,
        lon: 10.22 + (random() - 0.5) * 0.05,
      };
      return { ...v, place, volunteer: { ...v.volunteer!, categories: ['shopping' as const], radiusKm: 5 } };
    });
    const current = volunteers.slice(0, 5).map(personItem);
    const old = volunteers.slice(5, 29).map((v) => oldItem(personItem(v)));
    // Expired (DynamoDB deletes late, Local never): left to expire, not re-keyed.
    const gone = { ...oldItem(personItem(volunteers[29]!)), ttl: epoch(now) - 60 };
    await batchPut(doc, tableName, [...current, ...old, gone]);

    // The same volunteers as the current version writes them, elsewhere: what routing must find.
    const control = await testTable();
    await batchPut(control.doc, control.tableName, volunteers.slice(0, 29).map(personItem));
    const deps = (doc: DynamoDBDocumentClient, table: string) =>
      ({
        network: loadNetworkFile('network/brescia.json'),
        store: new DynamoStore(doc, table, () => now),
        requests: new DynamoRequests(doc, table),
      }) as unknown as AppDeps;
    const request = {
      id: 'r',
      elderId: 'e',
      zoneId: 'nord',
      lat: 45.54,
      lon: 10.22,
      category: 'shopping',
      when: { kind: 'today', date: '2026-11-21' },
      offeredTo: [],
      excluded: [],
    } as unknown as HelpRequest;
    const found = async (doc: DynamoDBDocumentClient, table: string, stage: number) =>
      (await findCandidates(deps(doc, table), request, null, stage, now)).ranked.map((c) => c.volunteer.id);
    const wanted = [
      await found(control.doc, control.tableName, 1),
      await found(control.doc, control.tableName, 2),
    ] as const;
    expect(wanted[0].length).toBeGreaterThanOrEqual(3);
    expect(wanted[1].length).toBeGreaterThanOrEqual(5);
    // Before: the index does not find those of the old keys.
    expect(await found(doc, tableName, 2)).not.toEqual(wanted[1]);

    expect(await rekeyCells(doc, tableName, now)).toEqual({ scanned: 30, rekeyed: 24 });
    for (const [i, v] of volunteers.entries()) {
      const item = (await doc.send(new GetCommand({ TableName: tableName, Key: keys.person(v.id) }))).Item!;
      const want: Record<string, unknown> = i === 29 ? gone : personItem(v);
      expect({ pk: item.GSI3PK, sk: item.GSI3SK }).toEqual({ pk: want.GSI3PK, sk: want.GSI3SK });
      // The rest of the item as it was.
      expect(item).toEqual({ ...(i < 5 ? current[i] : i < 29 ? old[i - 5] : gone), GSI3PK: item.GSI3PK });
    }
    expect([await found(doc, tableName, 1), await found(doc, tableName, 2)]).toEqual(wanted);

    // Again: it reads the index and writes nothing.
    const calls = countingClient(doc);
    expect(await rekeyCells(doc, tableName, now)).toEqual({ scanned: 30, rekeyed: 0 });
    expect(Object.keys(calls.counts)).toEqual(['ScanCommand']);
  });

  it('leaves a volunteer whose keys changed since the scan read them as that change wrote them', async () => {
    const { doc, tableName } = await testTable();
    const random = prng(37);
    const moving = cityVolunteer(0, random);
    await batchPut(doc, tableName, [oldItem(personItem(moving))]);
    const moved = { ...moving, place: { ...moving.place!, lat: moving.place!.lat + 0.05 } };
    // A save lands between the scan's page and the update: the update's condition fails, nothing is lost.
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand') {
          await batchPut(doc, tableName, [personItem(moved)]);
        }
        return next(args);
      },
      { step: 'initialize', name: 'saveMeanwhile' },
    );
    try {
      expect(await rekeyCells(doc, tableName, now)).toEqual({ scanned: 1, rekeyed: 0 });
    } finally {
      doc.middlewareStack.remove('saveMeanwhile');
    }
    const item = (await doc.send(new GetCommand({ TableName: tableName, Key: keys.person(moving.id) })))
      .Item!;
    expect({ pk: item.GSI3PK, sk: item.GSI3SK }).toEqual({
      pk: personItem(moved).GSI3PK,
      sk: personItem(moved).GSI3SK,
    });
  });
});
