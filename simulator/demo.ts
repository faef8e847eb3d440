import { DeleteTableCommand, waitUntilTableNotExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scheduleCheckIns } from '../bot/app/checkins/checkins.js';
import type { AppDeps } from '../bot/app/common/deps.js';
import type { ChannelRef, Person, PrivateDetails, VolunteerProfile } from '../bot/domain/person.js';
import { findNeighbourhood, type Network } from '../bot/domain/network.js';
import { initTable } from '../bot/adapters/store/init-table.js';
import type { FakeUser } from './bot-api/telegram.js';
import { seedDemoFigures } from './demo-figures.js';

/**
 * The demo network that `npm start` without a token opens with: one elder with
 * a confirmed relative, three approved volunteers near her, the zone's
 * mediator and a volunteer waiting for her approval (no pane), with five
 * past weeks of figures (demo-figures.ts). Names, the address and the phone numbers are plainly fictional.
 * Each one is a person in the table and a Telegram user of the simulator, with
 * the same id.
 */
export interface DemoPerson {
  /** The pane's id in the simulator. */
  key: string;
  /** What the pane's header says the person is. */
  part: string;
  user: FakeUser;
  /** The number the pane shares when the bot asks for a contact. */
  phone: string;
  /** False for someone in the table only, without a pane (the volunteer waiting for approval). */
  pane?: false;
  person: Person;
  details?: PrivateDetails;
}

export const demoZone = 'nord';
const hood = 'mompiano';

const allDays: VolunteerProfile['days'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const allParts: VolunteerProfile['dayParts'] = ['morning', 'afternoon', 'evening'];

/** The demo people, onboarded at `at` (ISO). */
export function demoPeople(network: Network, at: string): DemoPerson[] {
  const centre = findNeighbourhood(network, hood)?.hood.centre;
  if (!centre)
    throw new Error(`The demo needs neighbourhood "${hood}" in zone "${demoZone}" of the network file`);
  const base = (id: string, telegramId: number, name: string): Person => ({
    id,
    lang: 'it',
    createdAt: at,
    channels: [{ channel: 'telegram', id: String(telegramId) }],
    onboardedAt: at,
    consentAt: at,
    name,
  });
  const user = (id: number, name: string): FakeUser => ({
    id,
    first_name: name.split(' ')[0]!,
    last_name: name.split(' ').slice(1).join(' '),
    language_code: 'it',
  });
  const volunteer = (
    key: string,
    telegramId: number,
    name: string,
    offset: { lat: number; lon: number },
    categories: VolunteerProfile['categories'],
    status: 'approved' | 'pending' = 'approved',
  ): DemoPerson => ({
    key,
    part: 'Volunteer',
    user: user(telegramId, name),
    phone: `+39000000${telegramId}`,
    person: {
      ...base(`demo-${key}`, telegramId, name),
      role: 'volunteer',
      zoneId: demoZone,
      place: {
        zoneId: demoZone,
        neighbourhoodId: hood,
        lat: centre.lat + offset.lat,
        lon: centre.lon + offset.lon,
        source: 'location',
      },
      volunteer: {
        status,
        radiusKm: 5,
        categories,
        days: allDays,
        dayParts: allParts,
        languages: ['it'],
        ...(status === 'approved' ? { decidedBy: 'demo-mediator', decidedAt: at } : {}),
      },
    },
    details: { phone: `+39000000${telegramId}` },
  });
  return [
    {
      key: 'elder',
      part: 'Elder',
      user: user(100101, 'Nonna Demo'),
      phone: '+39000000100101',
      person: {
        ...base('demo-elder', 100101, 'Nonna Demo'),
        role: 'elder',
        zoneId: demoZone,
        place: { zoneId: demoZone, neighbourhoodId: hood, ...centre, source: 'neighbourhood' },
        checkInTime: network.checkIn.defaultTime,
      },
      details: { address: "Via dell'Esempio 1 (demo)", phone: '+39000000100101' },
    },
    {
      key: 'relative',
      part: 'Relative',
      user: user(100102, 'Luca Demo'),
      phone: '+39000000100102',
      person: { ...base('demo-relative', 100102, 'Luca Demo'), role: 'relative' },
      details: { phone: '+39000000100102' },
    },
    volunteer('anna', 100103, 'Anna Demo', { lat: 0.002, lon: -0.003 }, ['shopping', 'pharmacy', 'company']),
    volunteer('bruno', 100104, 'Bruno Demo', { lat: 0.005, lon: -0.012 }, ['shopping', 'escort', 'repairs']),
    volunteer('carla', 100105, 'Carla Demo', { lat: -0.008, lon: -0.015 }, [
      'shopping',
      'paperwork',
      'other',
    ]),
    {
      key: 'mediator',
      part: 'Mediator',
      user: user(100106, 'Giulia Demo'),
      phone: '+39000000100106',
      person: { ...base('demo-mediator', 100106, 'Giulia Demo'), role: 'mediator', zoneId: demoZone },
      details: { phone: '+39000000100106' },
    },
    // Waiting for the mediator's approval (`/pending`, `/volunteers`); in the table only, without a pane.
    {
      ...volunteer(
        'dario',
        100107,
        'Dario Demo',
        { lat: -0.004, lon: 0.006 },
        ['company', 'repairs'],
        'pending',
      ),
      pane: false,
    },
  ];
}

/**
 * Writes whichever demo people are missing (found by their Telegram identity),
 * links the relative to the elder and schedules the elder's daily check-in.
 * People already there are left as they are. Returns how many were written.
 */
export async function seedDemo(deps: AppDeps, now: Date): Promise<number> {
  const people = demoPeople(deps.network, now.toISOString());
  let written = 0;
  for (const demo of people) {
    const ref = demo.person.channels[0] as ChannelRef;
    if (await deps.store.findPersonByChannel(ref)) continue;
    await deps.store.createPerson(demo.person, ref);
    if (demo.details) await deps.store.savePrivate(demo.person.id, demo.details);
    if (demo.person.role === 'elder') await scheduleCheckIns(deps, demo.person, now);
    written++;
  }
  if (written > 0)
    await seedDemoFigures(
      deps,
      people.map((d) => d.person),
      now,
    );
  const [elder, relative] = people;
  if (written > 0 && elder && relative) {
    const link = await deps.store.getLink(elder.person.id, relative.person.id);
    if (!link) {
      const at = now.toISOString();
      await deps.store.putLink({
        elderId: elder.person.id,
        relativeId: relative.person.id,
        status: 'confirmed',
        createdAt: at,
        confirmedAt: at,
      });
    }
  }
  return written;
}

/** Drops the table and creates it empty again (local data only: the demo starts over). */
export async function emptyTable(doc: DynamoDBDocumentClient, table: string): Promise<void> {
  const ddb = doc as unknown as DynamoDBClient;
  try {
    await ddb.send(new DeleteTableCommand({ TableName: table }));
    await waitUntilTableNotExists({ client: ddb, maxWaitTime: 60 }, { TableName: table });
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  await initTable(doc, table);
}
