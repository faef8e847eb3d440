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
