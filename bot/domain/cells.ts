import ngeohash from 'ngeohash';
import type { LatLon } from './geo.js';

/**
 * Volunteers are indexed by geohash cell (precision 7: about 150 m × 110 m in
 * Brescia), so the candidates near a point are found by reading the cells
 * around it, ring by ring, instead of scanning every volunteer.
 */
export const cellPrecision = 7;

export function cellOf(point: LatLon): string {
  return ngeohash.encode(point.lat, point.lon, cellPrecision);
}

/** The cells covering a square of half-side `km` around a point. */
export function cellsAround(point: LatLon, km: number): string[] {
  const dLat = km / 111.32;
  const dLon = km / (111.32 * Math.cos((point.lat * Math.PI) / 180));
  return ngeohash.bboxes(
    point.lat - dLat,
    point.lon - dLon,
    point.lat + dLat,
    point.lon + dLon,
    cellPrecision,
  );
}

/** Search rings in km: each one reads only the cells the previous ones did not. */
export const searchRingsKm = [0.5, 1, 2, 3.5, 5, 7.5] as const;
