import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoFigures } from '../../bot/adapters/store/dynamo-figures.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { backfillPeople } from '../../bot/app/figures/backfill.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import type { Figures } from '../../bot/core/ports.js';
import type { Person, Role, VolunteerStatus } from '../../bot/domain/person.js';
import { countingClient, testTable } from '../support/dynamo.js';

/**
 * `npm run admin -- figures-backfill`: a network that existed before its figures were counted
 * gets its people by role from the zone lists (no Scan), set rather than added, so a second run
 * changes nothing, and someone joining while it counts is neither lost nor counted twice.
 */

const now = new Date('2026-11-21T10:00:00Z');
const network = loadNetworkFile('network/brescia.json');
let doc: DynamoDBDocumentClient;
let store: DynamoStore;
let figures: DynamoFigures;

beforeEach(async () => {
  let table: string;
  ({ doc, tableName: table } = await testTable());
  store = new DynamoStore(doc, table, () => now);
  figures = new DynamoFigures(doc, table, () => now);
});

let n = 0;
async function person(role: Role, zoneId?: string, more: Partial<Person> = {}): Promise<Person> {
  n += 1;
  const at = now.toISOString();
  const p: Person = {
    id: `p${n}`,
    lang: 'it',
    createdAt: at,
    channels: [{ channel: 'telegram', id: String(700000 + n) }],
    onboardedAt: at,
    consentAt: at,
    role,
    name: `Persona ${n}`,
    ...(zoneId ? { zoneId } : {}),
    ...more,
  };
  await store.createPerson(p, p.channels[0]!);
  return p;
}

const volunteer = (zoneId: string, status: VolunteerStatus) =>
  person('volunteer', zoneId, {
    volunteer: {
      status,
      radiusKm: 1,
      categories: ['shopping'],
      days: ['mon'],
      dayParts: ['morning'],
      languages: ['it'],
    },
  });

async function link(elder: Person, relative: Person, status: 'pending' | 'confirmed' = 'confirmed') {
  await store.putLink({ elderId: elder.id, relativeId: relative.id, status, createdAt: now.toISOString() });
}

/** A network as it stood before the figures: two zones, relatives linked to elders of both. */
async function existingNetwork(): Promise<void> {
  const anna = await person('elder', 'nord');
  const bruna = await person('elder', 'nord');
  const carla = await person('elder', 'sud');
  // Started onboarding and never finished: not counted.
  await person('elder', 'nord', { onboardedAt: undefined });
  await volunteer('nord', 'approved');
  await volunteer('nord', 'pending');
  await volunteer('sud', 'suspended');
  await person('mediator', 'nord');
  await person('mediator', 'sud');
  const luca = await person('relative');
  const marco = await person('relative');
  const nina = await person('relative');
  await link(anna, luca);
  await link(carla, luca); // one relative of two elders in two zones: counted once
  await link(bruna, marco, 'pending');
  await link(carla, nina);
}

const expected = {
  nord: { elder: 2, volunteer: 2, mediator: 1 },
  sud: { elder: 1, volunteer: 1, mediator: 1 },
  '*': { elder: 3, volunteer: 3, mediator: 2, relative: 3 },
};

async function people() {
  const { people: read } = await figures.read(['nord', 'sud', 'centro', '*'], []);
  return Object.fromEntries(read);
}

describe('figures-backfill on DynamoDB Local', () => {
  it('sets people by role per zone and for the network from the zone lists, without a Scan; twice changes nothing', async () => {
    await existingNetwork();
    // Counting had started meanwhile: one elder counted as she joined. The backfill sets, not adds.
    await figures.count({
      id: 'people.late.elder',
      writes: [
        { zoneId: 'nord', week: 'people', add: { add: { role_elder: 1 } } },
        { zoneId: '*', week: 'people', add: { add: { role_elder: 1 } } },
      ],
    });
    const calls = countingClient(doc);
    const counts = await backfillPeople({ store, figures, network });
    expect(calls.counts.ScanCommand).toBeUndefined();
    expect(Object.fromEntries(counts)).toMatchObject(expected);
    expect(await people()).toMatchObject({ ...expected, centro: { elder: 0, volunteer: 0, mediator: 0 } });

    await backfillPeople({ store, figures, network });
    expect(await people()).toMatchObject(expected);
    expect(calls.counts.ScanCommand).toBeUndefined();

    // Counting as things happen goes on from there.
    await figures.count({
      id: 'people.next.volunteer',
      writes: [
        { zoneId: 'sud', week: 'people', add: { add: { role_volunteer: 1 } } },
        { zoneId: '*', week: 'people', add: { add: { role_volunteer: 1 } } },
      ],
    });
    expect((await people()).sud).toMatchObject({ volunteer: 2 });
  });

  it('someone joining while it counts makes it count again: neither lost nor counted twice', async () => {
    await existingNetwork();
    let joined = false;
    // Between the read of the counters and their write, an elder finishes onboarding and is counted.
    const racing: Figures = {
      count: (e) => figures.count(e),
      read: (z, w) => figures.read(z, w),
      setPeople: (c, r) => figures.setPeople(c, r),
      readPeople: async (areas) => {
        const read = await figures.readPeople(areas);
        if (!joined) {
          joined = true;
          await person('elder', 'sud');
          await figures.count({
            id: 'people.racing.elder',
            writes: [
              { zoneId: 'sud', week: 'people', add: { add: { role_elder: 1 } } },
              { zoneId: '*', week: 'people', add: { add: { role_elder: 1 } } },
            ],
          });
          // Its count lands after the read: the first write finds the counter moved.
        }
        return read;
      },
    };
    const sets: boolean[] = [];
    const watched: Figures = {
      ...racing,
      setPeople: async (c, r) => {
        const ok = await figures.setPeople(c, r);
        sets.push(ok);
        return ok;
      },
    };
    await backfillPeople({ store, figures: watched, network });
    expect(sets).toEqual([false, true]);
    const got = await people();
    expect(got.sud).toMatchObject({ elder: 2 });
    expect(got['*']).toMatchObject({ elder: 4 });
  });
});
