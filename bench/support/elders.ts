/** Onboarded elders written straight into the table, for the benchmarks and the scale tests. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Person } from '../../bot/domain/person.js';
import { timerIds, type Timer } from '../../bot/domain/timer.js';
import { batchWriteAll } from '../../bot/adapters/store/batch.js';
import { personItem } from '../../bot/adapters/store/dynamo-store.js';
import { DynamoTimers } from '../../bot/adapters/store/dynamo-timers.js';
import { keys } from '../../bot/adapters/store/keys.js';

export const chatOf = (i: number) => 500_000 + i;

/** An onboarded elder of zone nord with a 09:00 check-in, reached on Telegram chat `chatOf(i)`. */
export function elder(i: number, prefix = 'e'): Person {
  return {
    id: `${prefix}${String(i).padStart(6, '0')}`,
    lang: 'it',
    createdAt: '2026-11-01T00:00:00.000Z',
    channels: [{ channel: 'telegram', id: String(chatOf(i)) }],
    onboardedAt: '2026-11-01T00:00:00.000Z',
    consentAt: '2026-11-01T00:00:00.000Z',
    role: 'elder',
    name: `Anziano ${i}`,
    zoneId: 'nord',
    place: { zoneId: 'nord', neighbourhoodId: 'mompiano', lat: 45.562, lon: 10.233, source: 'neighbourhood' },
    checkInTime: '09:00',
  };
}

/** Elders with their next prompt timer due at `due`. */
export async function seedElders(
  doc: DynamoDBDocumentClient,
  table: string,
  from: number,
  count: number,
  due: string,
  prefix = 'e',
) {
  const people = Array.from({ length: count }, (_, k) => elder(from + k, prefix));
  const timers = new DynamoTimers(doc, table);
  const timerItems = people.map((p) => {
    const t: Timer = {
      id: timerIds.prompt(p.id),
      kind: 'prompt',
      due,
      data: { elderId: p.id, localDate: due.slice(0, 10) },
    };
    return timers.item(t);
  });
  const identities = people.map((p) => ({
    ...keys.identity(p.channels[0]!),
    entity: 'identity',
    personId: p.id,
  }));
  await batchWriteAll(
    doc,
    table,
    [...people.map(personItem), ...identities, ...timerItems].map((Item) => ({ PutRequest: { Item } })),
    { parallel: 16 },
  );
  return people;
}
