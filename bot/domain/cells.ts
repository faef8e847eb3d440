import ngeohash from 'ngeohash';
import type { LatLon } from './geo.js';

/**
 * Volunteers are indexed by geohash: the partition is the precision-5 cell
 * (about 4.9 km × 3.4 km in Brescia) and the sort key starts with the
 * precision-9 geohash, so one query reads a whole precision-5 cell or, with a
 * prefix, one of its precision-6 cells (about 0.86 km × 0.61 km) or precision-7
 * sub-cells (about 150 m × 110 m). Near rings read small sub-cells (few items
 * where volunteers are dense); far rings read precision-6 cells, and whole
 * precision-5 cells where the volunteers found so far say that costs few items
 * more (few queries where they are sparse).
 */
export const partitionPrecision = 5;
export const cellPrecision = 6;
export const finePrecision = 7;
const sortPrecision = 9;

/** The index keys of a volunteer's position. */
export function cellKeys(point: LatLon): { cell: string; sortPrefix: string } {
  const hash = ngeohash.encode(point.lat, point.lon, sortPrecision);
  return { cell: hash.slice(0, partitionPrecision), sortPrefix: hash };
}

function box(point: LatLon, km: number, precision: number): string[] {
  const dLat = km / 111.32;
  const dLon = km / (111.32 * Math.cos((point.lat * Math.PI) / 180));
  return ngeohash.bboxes(point.lat - dLat, point.lon - dLon, point.lat + dLat, point.lon + dLon, precision);
}

/**
 * One read of the index: the whole precision-5 partition `cell`, or the part of it whose
 * geohash starts with `prefix` (a precision-6 cell or a precision-7 sub-cell), or, with
 * `through`, a run of such cells: `prefix`, the cells after it in geohash order, up to and
 * including `through` (a range of the sort key).
 */
export interface CellQuery {
  cell: string;
  prefix?: string;
  through?: string;
}

const within = (hash: string): CellQuery => ({ cell: hash.slice(0, partitionPrecision), prefix: hash });

const base32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The cell after this one in geohash order, of the same precision (undefined after the last). */
function nextCell(hash: string): string | undefined {
  const at = hash.length - 1;
  const i = base32.indexOf(hash[at]!);
  if (i < base32.length - 1) return hash.slice(0, at) + base32[i + 1];
  const head = at > 0 ? nextCell(hash.slice(0, at)) : undefined;
  return head && head + base32[0];
}

/** The cells a read covers, one by one (a run, each of its cells; a partition, itself). */
export function cellsOf(q: CellQuery): string[] {
  if (!q.prefix || !q.through) return [queryKey(q)];
  const out = [q.prefix];
  while (out.at(-1)! < q.through) out.push(nextCell(out.at(-1)!)!);
  return out;
}

/**
 * The same reads in fewer queries: cells of one partition and one precision that follow each other
 * in geohash order are read as one run (a sort-key range), which returns exactly the items the
 * separate reads would. Whole partitions stay as they are.
 */
export function runs(queries: CellQuery[]): CellQuery[] {
  const out: CellQuery[] = queries.filter((q) => !q.prefix);
  const cells = queries.flatMap((q) => (q.prefix ? cellsOf(q) : [])).sort();
  for (const hash of cells) {
    const last = out.at(-1);
    const end = last?.through ?? last?.prefix;
    if (last && end && last.cell === hash.slice(0, partitionPrecision) && nextCell(end) === hash) {
      last.through = hash;
    } else out.push(within(hash));
  }
  return out;
}

/** Up to this half-side, rings read precision-7 sub-cells; beyond, precision-6 cells or whole partitions. */
const fineUpToKm = 0.5;

/** The reads covering a square of half-side `km` around a point, at the finest precision its size reads at. */
export function cellQueriesAround(point: LatLon, km: number): CellQuery[] {
  return box(point, km, km <= fineUpToKm ? finePrecision : cellPrecision).map(within);
}

/** The geohash one read names: its cell or partition (a run's first cell; its every cell: `cellsOf`). */
export const queryKey = (q: CellQuery): string => q.prefix ?? q.cell;

/**
 * Whether a read is already covered by one done before: any read whose geohash starts the
 * read's own (a whole partition covers its cells and sub-cells, a cell its sub-cells).
 */
export function covered(q: CellQuery, done: Set<string>): boolean {
  const key = queryKey(q);
  for (let n = partitionPrecision; n <= key.length; n++) if (done.has(key.slice(0, n))) return true;
  return false;
}

/** Whether a place lies in what a set of reads covers (their keys, as `covered` takes them). */
export function holds(done: Set<string>, point: LatLon): boolean {
  const hash = ngeohash.encode(point.lat, point.lon, sortPrecision);
  return covered({ cell: hash.slice(0, partitionPrecision), prefix: hash }, done);
}

/**
 * How many items more than its precision-6 cells a ring may read, in all, by reading whole
 * precision-5 partitions instead, as the density found so far estimates them. Well under the
 * 300 items a read may cost where volunteers are dense, where no partition but one the ring
 * covers whole is ever read at once (a precision-5 cell there holds thousands).
 */
export const coarseExtraItems = 150;

/**
 * Items a saved query is worth: a partition is read whole only if each query it saves costs at
 * most this many items more. On DynamoDB a query is billed by the 4 KB it reads, rounded up, so
 * a query reading a few items costs as much as reading some eight volunteers more, and it is a
 * round trip besides.
 */
export const itemsPerQuery = 8;

/**
 * The reads of a ring not done yet (`done`), each partition read whole where that saves queries
 * for few items more: the ring's precision-6 cells are grouped by partition, and a partition is
 * read in one query when the items it holds beyond those cells (at `perKm2` volunteers a km², the
 * density found so far; its cells read before count, as they are read again) are at most
 * `itemsPerQuery` for each query saved, and fit, with the other partitions chosen, in
 * `coarseExtraItems`. Partitions saving the most queries per extra item go first; one the ring
 * covers whole costs nothing more. Near rings, or with no density yet, read as
 * `cellQueriesAround`.
 */
export function ringQueries(point: LatLon, km: number, done: Set<string>, perKm2?: number): CellQuery[] {
  const fresh = cellQueriesAround(point, km).filter((q) => !covered(q, done));
  if (km <= fineUpToKm || perKm2 === undefined) return fresh;
  const byPartition = new Map<string, CellQuery[]>();
  for (const q of fresh) byPartition.set(q.cell, [...(byPartition.get(q.cell) ?? []), q]);
  const choices = [...byPartition].map(([cell, cells]) => ({
    cell,
    cells,
    extra: Math.max(0, perKm2 * (areaKm2([{ cell }]) - areaKm2(cells))),
  }));
  const gain = (c: (typeof choices)[number]) => (c.cells.length - 1) / Math.max(c.extra, 1e-9);
  choices.sort((a, b) => gain(b) - gain(a) || a.cell.localeCompare(b.cell));
  let spent = 0;
  const whole = new Set<string>();
  for (const c of choices) {
    if (c.extra > itemsPerQuery * (c.cells.length - 1) || spent + c.extra > coarseExtraItems) continue;
    spent += c.extra;
    whole.add(c.cell);
  }
  return [...[...whole].map((cell) => ({ cell })), ...fresh.filter((q) => !whole.has(q.cell))];
}

/** Search rings in km: each one reads only what the previous ones did not. */
export const searchRingsKm = [0.25, 0.5, 1, 2, 3.5, 5, 7.5] as const;

/** The ground a set of reads covers, in km² (a whole partition, or the cell or sub-cell a prefix names). */
export function areaKm2(queries: CellQuery[]): number {
  let total = 0;
  for (const key of queries.flatMap(cellsOf)) {
    const [south, west, north, east] = ngeohash.decode_bbox(key);
    const midLat = ((south + north) / 2) * (Math.PI / 180);
    total += (north - south) * 111.32 * ((east - west) * 111.32 * Math.cos(midLat));
  }
  return total;
}

/** How many times the wanted number of volunteers the chosen ring is expected to hold. */
const ringMargin = 2;

/**
 * The ring the second read goes out to, chosen from what the first one found: `read` volunteers
 * on `areaKm2`, `eligible` of them eligible. Their density (one more volunteer than found, so an
 * empty first read still gives a density) times the share eligible (with one in three as a prior,
 * so one or two found do not swing it) gives the eligible volunteers expected within each ring; the
 * smallest ring expected to hold `ringMargin` times `want` is read, at most `maxKm`. Where
 * volunteers are dense the first ring is enough and this is never asked; where they are sparse it
 * goes straight to 1 or 2 km instead of reading 0.5, 1 and 2 km one after the other.
 */
export function ringForDensity(
  found: { read: number; eligible: number; areaKm2: number },
  want: number,
  maxKm: number,
): number {
  const rings = searchRingsKm.filter((km) => km <= maxKm);
  if (found.areaKm2 <= 0) return maxKm;
  const perKm2 = ((found.read + 1) / found.areaKm2) * ((found.eligible + 1) / (found.read + 3));
  return rings.find((km) => perKm2 * Math.PI * km * km >= ringMargin * want) ?? maxKm;
}
