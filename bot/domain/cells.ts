import ngeohash from 'ngeohash';
import type { LatLon } from './geo.js';

/**
 * Volunteers are indexed by geohash: the partition is the precision-6 cell
 * (about 1.2 km × 0.6 km in Brescia) and the sort key starts with the
 * precision-9 geohash, so a query reads a whole cell or, with a prefix, one of
 * its precision-7 sub-cells (about 150 m × 110 m). Near rings read small
 * sub-cells (few items where volunteers are dense); far rings read whole cells
 * (few queries where they are sparse).
 */
export const partitionPrecision = 6;
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

/** One read of the index: a whole cell, or the sub-cell starting with `prefix`. */
export interface CellQuery {
  cell: string;
  prefix?: string;
}

/** Up to this half-side, rings read precision-7 sub-cells; beyond, whole precision-6 cells. */
const fineUpToKm = 0.5;

/** The reads covering a square of half-side `km` around a point. */
export function cellQueriesAround(point: LatLon, km: number): CellQuery[] {
  if (km <= fineUpToKm) {
    return box(point, km, finePrecision).map((fine) => ({
      cell: fine.slice(0, partitionPrecision),
      prefix: fine,
    }));
  }
  return box(point, km, partitionPrecision).map((cell) => ({ cell }));
}

export const queryKey = (q: CellQuery): string => q.prefix ?? q.cell;

/** Whether a read is already covered by one done before (a whole cell covers its sub-cells). */
export function covered(q: CellQuery, done: Set<string>): boolean {
  return done.has(queryKey(q)) || (!!q.prefix && done.has(q.cell));
}

/** Search rings in km: each one reads only what the previous ones did not. */
export const searchRingsKm = [0.25, 0.5, 1, 2, 3.5, 5, 7.5] as const;

/** The ground a set of reads covers, in km² (a whole cell, or the sub-cell a prefix names). */
export function areaKm2(queries: CellQuery[]): number {
  let total = 0;
  for (const q of queries) {
    const [south, west, north, east] = ngeohash.decode_bbox(queryKey(q));
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
