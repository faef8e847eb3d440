/**
 * Export and erasure of everything about one person (`/mydata`, `/forget`):
 * the person's partition, and what lies elsewhere but is found from it.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Person } from '../../domain/person.js';
import { timerIds } from '../../domain/timer.js';
import { rungs } from '../../domain/network.js';
import { failedListPk } from './delivery-log.js';
import { entity, idFromLinkSk, keys, personPk, skPrefix, type Key } from './keys.js';
import { batchWriteAll, queryAll } from './batch.js';
import { attr, index } from './table.js';

/** The network file allows at most 20 re-notifications, plus the first escalation. */
const maxEscalationRounds = 21;

export async function queryPartition(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  skBegins?: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const got = await queryAll(doc, {
    TableName: table,
    KeyConditionExpression: skBegins ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
    ExpressionAttributeValues: skBegins ? { ':pk': pk, ':sk': skBegins } : { ':pk': pk },
    ConsistentRead: true,
  });
  items.push(...got);
  return items;
}

/** Every stored item about a person, as stored (their partition, identities, and what its pointers name). */
export async function exportPersonData(
  doc: DynamoDBDocumentClient,
  table: string,
  personId: string,
): Promise<Record<string, unknown>[]> {
  // Turn records and invite markers are bookkeeping (which updates were handled, which made an invite).
  const bookkeeping: unknown[] = [entity.turn, entity.inviteOnce];
  const own = (await queryPartition(doc, table, personPk(personId))).filter(
    (i) => !bookkeeping.includes(i.entity),
  );
  const person = own.find((i) => i.SK === 'PROFILE') as Person | undefined;
  const identities = await Promise.all(
    (person?.channels ?? []).map((ref) =>
      doc.send(new GetCommand({ TableName: table, Key: keys.identity(ref) })).then((g) => g.Item),
    ),
  );
  // What the partition's pointers name: the invites an elder created, the requests and alerts about them.
  const pointed = own.flatMap((i) => {
    const sk = i.SK as string;
    if (sk.startsWith(skPrefix.inviteRef)) return [keys.invite(idFromLinkSk(sk))];
    // Notices to them waiting out quiet hours (a pointer past its time may outlive its timer: then none).
    if (sk.startsWith(skPrefix.quietRef)) return [keys.timer(String(i.timerId))];
    if (sk.startsWith(skPrefix.requestRef)) return [keys.request(idFromLinkSk(sk))];
    if (sk.startsWith(skPrefix.alertRef)) return [keys.alert(idFromLinkSk(sk))];
    return [];
  });
  const invites = await Promise.all(
    pointed.map((Key) => doc.send(new GetCommand({ TableName: table, Key }))),
  );
  return [
    ...own,
    ...identities,
    ...invites.map((g) => g.Item),
    ...(await keptFor(doc, table, personId)),
  ].filter((i): i is Record<string, unknown> => !!i);
}

/**
 * Messages kept as undeliverable that concern the person: one to them as kept (their own message,
 * without what is read live); one only about them (to someone else) as the fact that it is kept,
 * when and why, since what it says was meant for its recipient.
 */
async function keptFor(
  doc: DynamoDBDocumentClient,
  table: string,
  personId: string,
): Promise<Record<string, unknown>[]> {
  const kept = await queryAll(doc, {
    TableName: table,
    IndexName: index.byList,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': attr.gsi1pk },
    ExpressionAttributeValues: { ':pk': failedListPk },
  });
  return kept.flatMap((item): Record<string, unknown>[] => {
    const message = item.message as { personId?: string; about?: string[] } | undefined;
    // Hers, but not whom else it concerns: those ids are other people's.
    if (message?.personId === personId) {
      const { about: _about, ...own } = message;
      return [{ ...item, message: own }];
    }
    if (!JSON.stringify(item).includes(personId)) return [];
    return [
      {
        entity: item.entity,
        state: item.state,
        failedAt: item.failedAt,
        reason: item.reason,
        aboutYou: true,
      },
    ];
  });
}

/** Deletes every item about a person; returns how many keys were deleted. */
export async function erasePersonData(
  doc: DynamoDBDocumentClient,
  table: string,
  personId: string,
): Promise<number> {
  const own = await queryPartition(doc, table, personPk(personId));
  const doomed: Key[] = own.map((i) => ({ PK: i.PK as string, SK: i.SK as string }));
  const person = own.find((i) => i.SK === 'PROFILE') as Person | undefined;
  for (const ref of person?.channels ?? []) doomed.push(keys.identity(ref));
  doomed.push(keys.timer(timerIds.prompt(personId)));
  for (const item of own) {
    const sk = item.SK as string;
    if (sk.startsWith(skPrefix.relative)) doomed.push(keys.elderLink(idFromLinkSk(sk), personId));
    if (sk.startsWith(skPrefix.elder)) doomed.push(keys.relativeLink(idFromLinkSk(sk), personId));
    if (sk.startsWith(skPrefix.inviteRef)) doomed.push(keys.invite(idFromLinkSk(sk)));
    // A notice to them waiting out quiet hours: its timer holds their chat and what it says.
    if (sk.startsWith(skPrefix.quietRef)) doomed.push(keys.timer(String(item.timerId)));
    if (sk.startsWith(skPrefix.checkIn)) {
      for (const rung of rungs) doomed.push(keys.timer(timerIds.rung(personId, idFromLinkSk(sk), rung)));
    }
    if (sk.startsWith(skPrefix.requestRef)) {
      const requestId = idFromLinkSk(sk);
      const request = await doc.send(new GetCommand({ TableName: table, Key: keys.request(requestId) }));
      doomed.push(keys.request(requestId));
      const rounds = Number(request.Item?.wave ?? 0) + 1;
      for (let round = 1; round <= rounds; round++) doomed.push(keys.timer(timerIds.wave(requestId, round)));
    }
    if (sk.startsWith(skPrefix.alertRef)) {
      const alertId = idFromLinkSk(sk);
      doomed.push(keys.alert(alertId));
      for (let round = 1; round <= maxEscalationRounds; round++)
        doomed.push(keys.timer(timerIds.escalate(alertId, round)));
    }
  }
  // Messages kept as undeliverable hold their content: those to or about this person go too.
  const failed = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: index.byList,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': attr.gsi1pk },
      ExpressionAttributeValues: { ':pk': failedListPk },
    }),
  );
  for (const item of failed.Items ?? []) {
    if (JSON.stringify(item).includes(personId))
      doomed.push({ PK: item.PK as string, SK: item.SK as string });
  }
  await deleteKeys(doc, table, doomed);
  return doomed.length;
}

export async function deleteKeys(doc: DynamoDBDocumentClient, table: string, all: Key[]): Promise<void> {
  await batchWriteAll(
    doc,
    table,
    all.map((Key) => ({ DeleteRequest: { Key } })),
  );
}
