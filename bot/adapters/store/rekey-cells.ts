import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Person } from '../../domain/person.js';
import { personItem } from './dynamo-store.js';
import { conditionHeld, expired, fromItem } from './items.js';
import { attr, index } from './table.js';

/** Updates sent at once while re-keying one page. */
const parallel = 16;

/**
 * Re-keys the volunteers' geo index (GSI3) to the keys `personItem` writes now: it scans the index
 * itself (sparse: only indexed volunteers, page by page) and rewrites the keys of each volunteer
 * whose keys differ (such as the precision-6 partitions written before 2026-12), on condition that
 * the keys are still those it read, so a profile saved meanwhile, by the code that writes the new
 * keys, is left as that save wrote it. Items whose TTL has passed are left to expire. Run by
 * `npm run db:init`; running it again finds nothing to do.
 */
export async function rekeyCells(
  doc: DynamoDBDocumentClient,
  table: string,
  now: Date,
): Promise<{ scanned: number; rekeyed: number }> {
  let scanned = 0;
  let rekeyed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: table, IndexName: index.byCell, ExclusiveStartKey: start }),
    );
    start = page.LastEvaluatedKey;
    const items = page.Items ?? [];
    scanned += items.length;
    const stale = items.flatMap((item) => {
      if (expired(item, now)) return [];
      const want = personItem(fromItem<Person>(item));
      const [pk, sk] = [want[attr.gsi3pk], want[attr.gsi3sk]];
      // Keys on someone no longer indexable are not this re-keying's to judge: left as they are.
      if (pk === undefined || (pk === item[attr.gsi3pk] && sk === item[attr.gsi3sk])) return [];
      return [{ item, pk, sk }];
    });
    for (let i = 0; i < stale.length; i += parallel) {
      const done = await Promise.all(
        stale.slice(i, i + parallel).map(({ item, pk, sk }) =>
          conditionHeld(
            doc.send(
              new UpdateCommand({
                TableName: table,
                Key: { [attr.pk]: item[attr.pk], [attr.sk]: item[attr.sk] },
                UpdateExpression: 'SET #cell = :cell, #sort = :sort',
                ConditionExpression: '#cell = :wasCell AND #sort = :wasSort',
                ExpressionAttributeNames: { '#cell': attr.gsi3pk, '#sort': attr.gsi3sk },
                ExpressionAttributeValues: {
                  ':cell': pk,
                  ':sort': sk,
                  ':wasCell': item[attr.gsi3pk],
                  ':wasSort': item[attr.gsi3sk],
                },
              }),
            ),
          ),
        ),
      );
      rekeyed += done.filter(Boolean).length;
    }
  } while (start);
  return { scanned, rekeyed };
}
