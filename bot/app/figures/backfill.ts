import { networkArea, type RoleCounts } from '../../domain/figures.js';
import type { Network } from '../../domain/network.js';
import type { Person, Role } from '../../domain/person.js';
import type { Figures, Store } from '../../core/ports.js';

/**
 * People by role for a network that existed before its figures were counted: the counters
 * start at zero there, since they only move as people join, move or leave. This counts
 * everyone once, from the zone lists (no Scan), and sets the counters to what it found.
 * Setting (not adding) makes a second run harmless; each counter is set only if it is still
 * what was read before counting, so someone joining meanwhile makes it count again instead
 * of being lost or counted twice.
 */

/** How often the count is tried again when people keep joining or leaving while it runs. */
const attempts = 5;
/** Elders whose relatives are listed at once. */
const parallel = 16;

export class FiguresKeptMovingError extends Error {
  override name = 'FiguresKeptMovingError';
  constructor() {
    super(`people kept joining or leaving while they were counted, ${attempts} times: run it again later`);
  }
}

/** What the backfill set, per area (zone ids and `*` for the network). */
export type PeopleCounts = Map<string, Partial<RoleCounts>>;

/** Counts the people of every zone and the network by role, and sets the figures' counters to it. */
export async function backfillPeople(deps: {
  store: Store;
  figures: Figures;
  network: Network;
}): Promise<PeopleCounts> {
  const areas = [...deps.network.zones.map((z) => z.id), networkArea];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const read = await deps.figures.readPeople(areas);
    const counts = await countPeople(deps.store, deps.network);
    if (await deps.figures.setPeople(counts, read)) return counts;
  }
  throw new FiguresKeptMovingError();
}

/**
 * Everyone onboarded, by zone and role, as the counting decorator counts them: elders,
 * volunteers (any status) and mediators in their zone and the network; relatives, who have no
 * zone, in the network only, found through the elders' links (pending or confirmed; a
 * relative linked to no elder cannot be found without a Scan and is not counted).
 */
async function countPeople(store: Store, network: Network): Promise<PeopleCounts> {
  const zoned: Role[] = ['elder', 'volunteer', 'mediator'];
  const total: Partial<RoleCounts> = { elder: 0, volunteer: 0, mediator: 0, relative: 0 };
  const counts: PeopleCounts = new Map();
  const elders: Person[] = [];
  for (const zone of network.zones) {
    const lists = await Promise.all(zoned.map((role) => store.listPeople(zone.id, role)));
    const roles: Partial<RoleCounts> = {};
    for (const [i, role] of zoned.entries()) {
      const people = lists[i]!.filter((p) => p.onboardedAt && p.role === role);
      roles[role] = people.length;
      total[role]! += people.length;
      if (role === 'elder') elders.push(...people);
    }
    counts.set(zone.id, roles);
  }
  const relativeIds = new Set<string>();
  for (let i = 0; i < elders.length; i += parallel) {
    const links = await Promise.all(elders.slice(i, i + parallel).map((e) => store.listRelatives(e.id)));
    for (const l of links.flat()) relativeIds.add(l.relativeId);
  }
  const relatives = relativeIds.size ? await store.getPeople([...relativeIds]) : [];
  total.relative = relatives.filter((p) => p.onboardedAt && p.role === 'relative').length;
  counts.set(networkArea, total);
  return counts;
}
