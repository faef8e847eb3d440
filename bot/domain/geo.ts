export interface LatLon {
  lat: number;
  lon: number;
}

const earthRadiusKm = 6371.0088;

/** Great-circle distance in kilometres. */
export function distanceKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The item nearest to a point, with its distance; null for an empty list. */
export function nearest<T extends { centre: LatLon }>(
  point: LatLon,
  items: readonly T[],
): { item: T; km: number } | null {
  let best: { item: T; km: number } | null = null;
  for (const item of items) {
    const km = distanceKm(point, item.centre);
    if (!best || km < best.km) best = { item, km };
  }
  return best;
}
