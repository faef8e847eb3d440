import { createHash } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RoleCounts, WeekCounters } from '../../domain/figures.js';
import type { FigureEvent, Figures } from '../../core/ports.js';
import { entity, keys } from './keys.js';
import { batchGetAll } from './batch.js';
import { attr } from './table.js';
import { epoch, expired, isConditionFailure } from './items.js';
import { TableAdapter } from './table-adapter.js';

/** Long enough that no re-run or late timer can come after it. */
const markDays = 60;
/** Two years of weeks: last year's report stays comparable. */
const weekDays = 730;
const counterPrefix = 'n_';
const countAttempts = 3;
const loadPrefix = 'v_';

const hash = (s: string, length = 32) => createHash('sha256').update(s).digest('hex').slice(0, length);

/**
 * The weekly figures on the one table: one item per area (zone or `*`) and ISO
 * week, whose numbers only ever grow by ADD, and one per area for people by role.
 * Each event is counted in one transaction with a marker named by a hash of its
 * id: the marker's condition makes a repeat of the same event add nothing.
 */
export class DynamoFigures extends TableAdapter implements Figures {
  constructor(
    doc: ConstructorParameters<typeof TableAdapter>[0],
    table: string,
    private readonly clock: () => Date,
  ) {
    super(doc, table);
  }

  async count(event: FigureEvent): Promise<void> {
    const now = this.clock();
    // One update per item: a transaction may not touch an item twice (a zone move adds and takes from the network's).
    const byItem = new Map<string, { area: string; week: string; add: Map<string, number> }>();
    for (const w of event.writes) {
      const key = `${w.zoneId}|${w.week}`;
      const item = byItem.get(key) ?? { area: w.zoneId, week: w.week, add: new Map<string, number>() };
      for (const [name, n] of Object.entries(w.add.add))
        item.add.set(counterPrefix + name, (item.add.get(counterPrefix + name) ?? 0) + n);
      // A volunteer's tasks count by a hash: the figures name nobody.
      if (w.add.volunteerId) {
        const name = loadPrefix + hash(w.add.volunteerId, 16);
        item.add.set(name, (item.add.get(name) ?? 0) + 1);
      }
      byItem.set(key, item);
    }
    const updates = [...byItem.values()]
      .map((i) => ({ ...i, add: [...i.add].filter(([, n]) => n !== 0) }))
      .filter((i) => i.add.length > 0)
      .map((i) => {
        const names: Record<string, string> = { '#entity': attr.entity };
        const values: Record<string, unknown> = { ':entity': entity.figures };
        const adds = i.add.map(([name, n], k) => {
          names[`#a${k}`] = name;
          values[`:a${k}`] = n;
          return `#a${k} :a${k}`;
        });
        let set = '#entity = :entity';
        if (i.week !== 'people') {
          names['#ttl'] = attr.ttl;
          values[':ttl'] = epoch(now) + weekDays * 86400;
          set += ', #ttl = :ttl';
        }
        return {
          Update: {
            TableName: this.table,
            Key: keys.figures(i.area, i.week),
            UpdateExpression: `ADD ${adds.join(', ')} SET ${set}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        };
      });
    if (!updates.length) return;
    const mark = {
      Put: {
        TableName: this.table,
        Item: {
          ...keys.figureMark(hash(event.id)),
          [attr.entity]: entity.figureMark,
          [attr.ttl]: epoch(now) + markDays * 86400,
        },
        ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :now',
        ExpressionAttributeNames: { '#ttl': attr.ttl },
        ExpressionAttributeValues: { ':now': epoch(now) },
      },
    };
    // The move being counted has happened already: a re-run would not count it, so a failed count is
    // tried again here (a process that dies in between still loses it: figures, not the books).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: [mark, ...updates] }));
        return;
      } catch (err) {
        // Counted before: nothing to add.
        if (isConditionFailure(err)) return;
        if (attempt >= countAttempts) throw err;
      }
    }
  }

  async read(zoneIds: string[], weeks: string[]) {
    const now = this.clock();
    const wanted = zoneIds.flatMap((z) => [
      keys.figures(z, 'people'),
      ...weeks.map((w) => keys.figures(z, w)),
    ]);
    const items = (await batchGetAll(this.doc, this.table, wanted)).filter((i) => !expired(i, now));
    const out = {
      weeks: new Map<string, WeekCounters>(),
      people: new Map<string, Partial<RoleCounts>>(),
    };
    for (const item of items) {
      const area = String(item.PK).slice('FIG#'.length);
      const counters: Record<string, number> = {};
      const loads: number[] = [];
      for (const [k, v] of Object.entries(item)) {
        if (k.startsWith(counterPrefix)) counters[k.slice(counterPrefix.length)] = Number(v);
        else if (k.startsWith(loadPrefix) && Number(v) > 0) loads.push(Number(v));
      }
      if (item.SK === 'PEOPLE') {
        const roles: Partial<RoleCounts> = {};
        for (const [k, v] of Object.entries(counters))
          if (k.startsWith('role_')) roles[k.slice(5) as keyof RoleCounts] = Math.max(0, v);
        out.people.set(area, roles);
      } else {
        const week = String(item.SK).slice('WEEK#'.length);
        out.weeks.set(`${area}|${week}`, { week, counters, loads });
      }
    }
    return out;
  }
}
