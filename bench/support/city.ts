import { categories, type Category, type Person } from '../../bot/domain/person.js';
import { personItem } from '../../bot/adapters/store/dynamo-store.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../../bot/adapters/store/batch.js';

/** Brescia's rough bounding box: volunteers are spread evenly over it. */
const box = { south: 45.49, north: 45.59, west: 10.15, east: 10.3 };

/** A deterministic PRNG, so seeded cities are the same every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An approved, available volunteer at a random place in the city, helping with 2–3 categories. */
export function cityVolunteer(i: number, random: () => number, prefix = 'v'): Person {
  const lat = box.south + random() * (box.north - box.south);
  const lon = box.west + random() * (box.east - box.west);
  const picked = new Set<Category>();
  while (picked.size < 2 + Math.floor(random() * 2))
    picked.add(categories[Math.floor(random() * categories.length)]!);
  return {
    id: `${prefix}${String(i).padStart(6, '0')}`,
    lang: 'it',
    createdAt: '2026-11-01T00:00:00.000Z',
    channels: [{ channel: 'telegram', id: String(700_000 + i) }],
    onboardedAt: '2026-11-01T00:00:00.000Z',
    role: 'volunteer',
    name: `Volontario ${i}`,
    zoneId: 'nord',
    place: { zoneId: 'nord', neighbourhoodId: 'mompiano', lat, lon, source: 'location' },
    volunteer: {
      status: 'approved',
      radiusKm: [1, 2, 5][Math.floor(random() * 3)]!,
      categories: [...picked],
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      dayParts: ['morning', 'afternoon', 'evening'],
      languages: ['it'],
    },
  };
}

/** Writes `count` city volunteers (with their geo index keys). */
export async function seedCity(
  doc: DynamoDBDocumentClient,
  table: string,
  count: number,
  seed = 1,
): Promise<Person[]> {
  const random = prng(seed);
  const people = Array.from({ length: count }, (_, i) => cityVolunteer(i, random));
  await batchWriteAll(
    doc,
    table,
    people.map((p) => ({ PutRequest: { Item: personItem(p) } })),
    { parallel: 16 },
  );
  return people;
}
