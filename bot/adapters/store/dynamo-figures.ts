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
 * The items of one counted event: the marker (its condition makes a repeat add nothing) first,
 * then one ADD per counter item; none when the event adds nothing. Also part of a turn's commit.
 */
export function figureItems(table: string, event: FigureEvent, now: Date) {
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
          TableName: table,
          Key: keys.figures(i.area, i.week),
          UpdateExpression: `ADD ${adds.join(', ')} SET ${set}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
  if (!updates.length) return [];
  const mark = {
    Put: {
      TableName: table,
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
  return [mark, ...updates];
}

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
    const items = figureItems(this.table, event, this.clock());
    if (!items.length) return;
    // The move being counted has happened already: a re-run would not count it, so a failed count is
    // tried again here (a process that dies in between still loses it: figures, not the books).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (err) {
        // Counted before: nothing to add.
        if (isConditionFailure(err)) return;
        if (attempt >= countAttempts) throw err;
      }
    }
  }

  async readPeople(areas: string[]): Promise<Map<string, Record<string, number>>> {
    const items = await batchGetAll(
      this.doc,
      this.table,
      areas.map((a) => keys.figures(a, 'people')),
      { consistent: true },
    );
    const out = new Map<string, Record<string, number>>();
    for (const item of items) {
      const roles: Record<string, number> = {};
      for (const [k, v] of Object.entries(item))
        if (k.startsWith(`${counterPrefix}role_`)) roles[k.slice(counterPrefix.length + 5)] = Number(v);
      out.set(String(item.PK).slice('FIG#'.length), roles);
    }
    return out;
  }

  async setPeople(
    counts: Map<string, Partial<RoleCounts>>,
    read: Map<string, Record<string, number>>,
  ): Promise<boolean> {
    const updates = [...counts].map(([area, roles]) => {
      const before = read.get(area) ?? {};
      const names: Record<string, string> = { '#entity': attr.entity };
      const values: Record<string, unknown> = { ':entity': entity.figures };
      const sets = ['#entity = :entity'];
      const conditions: string[] = [];
      // Every counter the item holds or gets, each on the condition that it is still as read.
      const all = [...new Set([...Object.keys(before), ...Object.keys(roles)])];
      for (const [k, role] of all.entries()) {
        names[`#r${k}`] = `${counterPrefix}role_${role}`;
        const was = before[role];
        if (was === undefined) conditions.push(`attribute_not_exists(#r${k})`);
        else {
          values[`:o${k}`] = was;
          conditions.push(`#r${k} = :o${k}`);
        }
        const now = roles[role as keyof RoleCounts];
        if (now !== undefined) {
          values[`:r${k}`] = now;
          sets.push(`#r${k} = :r${k}`);
        }
      }
      return {
        Update: {
          TableName: this.table,
          Key: keys.figures(area, 'people'),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
    if (!updates.length) return true;
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: updates }));
      return true;
    } catch (err) {
      // Someone joined or left between the read and the count: the caller counts again.
      if (isConditionFailure(err)) return false;
      throw err;
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
