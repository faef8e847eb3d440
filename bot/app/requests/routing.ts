import { alertIds } from '../../domain/alert.js';
import {
  areaKm2,
  cellQueriesAround,
  holds,
  queryKey,
  ringForDensity,
  ringQueries,
  runs,
  searchRingsKm,
} from '../../domain/cells.js';
import { firstName, type Person } from '../../domain/person.js';
import {
  dayPartOf,
  eligible,
  rank,
  recentTasks,
  roughKm,
  type Candidate,
  type HelpRequest,
} from '../../domain/request.js';
import { afterQuiet, isQuiet, localWeekday } from '../../domain/schedule.js';
import { timerIds } from '../../domain/timer.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Param } from '../../flows/types.js';
import { findNeighbourhood } from '../../domain/network.js';
import type { Claimed } from '../../core/ports.js';
import { raiseAlert } from '../alerts/alerts.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
import { whenParam } from './request-text.js';

/** Which weekday and part of day the request needs a volunteer for. */
function neededSlot(deps: AppDeps, r: HelpRequest, now: Date) {
  const tz = deps.network.timeZone;
  const weekday = localWeekday(new Date(`${r.when.date}T12:00:00Z`), 'UTC');
  if (r.when.kind === 'asap') {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: tz }).format(now),
    );
    return { weekday: localWeekday(now, tz), part: dayPartOf(hour) };
  }
  return { weekday, part: r.when.kind === 'day' ? r.when.part : undefined };
}

/** What one routing pass has read: the geo-index queries done, the volunteers they found, the elder. */
export interface IndexReads {
  keys: Set<string>;
  /** Each volunteer once, however many reads found them. */
  people: Person[];
  /** The ground those reads covered, in km² (for the density a far ring's precision is chosen by). */
  groundKm2?: number;
  /**
   * The rings read, as their cells at the finest precision (`cellQueriesAround`): only volunteers
   * placed in them are weighed, so a partition read whole, for fewer queries, changes nobody's turn.
   */
  rings?: Set<string>;
  /** Read once per pass (undefined until then; null when the elder is gone). */
  elder?: Person | null;
  /** The pass's first read, the nearest ring: what it found and on how much ground, to gauge the density. */
  probe?: { ids: Set<string>; areaKm2: number };
}

/**
 * Candidates for a stage of a request, ranked. Stages 1 and 2 read the geo index
 * in at most two rounds: the nearest ring first (precision-7 sub-cells), then,
 * unless enough eligible volunteers lie within it, at once out to the ring that
 * the density found there says holds enough (`ringForDensity`); only if that
 * ring still falls short, a third round reads out to the stage's widest ring.
 * Far rings read precision-6 cells, or whole precision-5 partitions where the
 * volunteers found so far are sparse (`ringQueries`). Stage 3 lists the whole
 * zone. Within one routing pass a stage reads only cells the stage before it did
 * not (`reads`), and weighs again, with its own radius, the volunteers found there.
 */
export async function findCandidates(
  deps: AppDeps,
  r: HelpRequest,
  elder: Person | null,
  stage: number,
  now: Date,
  reads: IndexReads = { keys: new Set(), people: [] },
): Promise<{ ranked: Candidate[]; itemsRead: number; queries: number; rounds: number }> {
  const rules = deps.network.requests;
  const slot = neededSlot(deps, r, now);
  const want = stage === 1 ? rules.wave1Size : rules.wave2Size;
  const factor = stage === 1 ? 1 : stage === 2 ? rules.wave2RadiusFactor : Infinity;
  const found: Candidate[] = [];
  const seen = new Set<string>();
  let itemsRead = 0;
  let queries = 0;
  let rounds = 0;
  const consider = (people: Person[]) => {
    for (const v of people) {
      if (seen.has(v.id)) continue;
      // Read with a whole partition, outside the rings read so far: weighed once a ring takes it in.
      if (stage < 3 && !(v.place && holds(reads.rings ?? new Set(), v.place))) continue;
      seen.add(v.id);
      const km = eligible(v, r, slot, factor);
      if (km === null) continue;
      found.push({
        volunteer: v,
        km,
        recent: recentTasks(v, now),
        continuity: !!elder?.helpedBy?.includes(v.id),
        sharedLanguage: !!elder && v.volunteer!.languages.includes(elder.lang),
      });
    }
  };
  /**
   * One round: every cell of the ring not read yet in this pass, all at once, cells that follow
   * each other as one run (`runs`); far rings read whole partitions where the volunteers found so
   * far say they are sparse (`ringQueries`).
   */
  const readRing = async (ringKm: number) => {
    const perKm2 = reads.groundKm2 ? (reads.people.length + 1) / reads.groundKm2 : undefined;
    const fresh = ringQueries(r, ringKm, reads.keys, perKm2);
    reads.rings ??= new Set();
    for (const q of cellQueriesAround(r, ringKm)) reads.rings.add(queryKey(q));
    // Volunteers a partition read before brought in, now within the rings.
    consider(reads.people);
    if (!fresh.length) return;
    fresh.forEach((q) => reads.keys.add(queryKey(q)));
    const sent = runs(fresh);
    queries += sent.length;
    rounds++;
    const got = await deps.requests.volunteersInCells(sent);
    itemsRead += got.itemsRead;
    const known = new Set(reads.people.map((p) => p.id));
    for (const p of got.people) {
      if (known.has(p.id)) continue;
      known.add(p.id);
      reads.people.push(p);
    }
    const ground = areaKm2(fresh);
    reads.groundKm2 = (reads.groundKm2 ?? 0) + ground;
    reads.probe ??= { ids: new Set(got.people.map((p) => p.id)), areaKm2: ground };
    consider(got.people);
  };
  const enoughWithin = (km: number) => found.filter((c) => c.km <= km).length >= want;
  if (stage >= 3) {
    const zone = await deps.store.listPeople(r.zoneId, 'volunteer', 'approved');
    itemsRead = zone.length;
    consider(zone);
  } else {
    consider(reads.people);
    const maxKm = 5 * factor;
    const nearest = searchRingsKm[0];
    await readRing(nearest);
    if (!enoughWithin(nearest)) {
      const probe = reads.probe ?? { ids: new Set<string>(), areaKm2: 0 };
      const ringKm = ringForDensity(
        {
          read: probe.ids.size,
          eligible: found.filter((c) => probe.ids.has(c.volunteer.id)).length,
          areaKm2: probe.areaKm2,
        },
        want,
        maxKm,
      );
      await readRing(ringKm);
      // Rarely still short: ring by ring beyond it, as far as the stage reaches.
      let reached = ringKm;
      for (const km of searchRingsKm.filter((k) => k > ringKm && k <= maxKm)) {
        if (enoughWithin(reached)) break;
        await readRing(km);
        reached = km;
      }
    }
  }
  return { ranked: rank(found), itemsRead, queries: stage >= 3 ? 1 : queries, rounds };
}

/**
 * Sends one stage of offers and sets its timeout; past the last stage the zone's
 * mediators get an "unassigned" alert and assign by hand.
 */
export async function routeRequest(
  deps: AppDeps,
  request: HelpRequest,
  stage: number,
  round: number,
  now: Date,
  reads: IndexReads = { keys: new Set(), people: [] },
): Promise<void> {
  const rules = deps.network.requests;
  if (stage > 3) {
    await raiseUnassigned(deps, request, round, now);
    return;
  }
  const timer = {
    id: timerIds.wave(request.id, round),
    kind: 'wave' as const,
    data: { requestId: request.id, round, stage },
  };
  if (!request.urgent && isQuiet(now, deps.network.quietHours, deps.network.timeZone)) {
    // Volunteers hear of non-urgent requests after quiet hours.
    await deps.timers.schedule([
      {
        ...timer,
        due: afterQuiet(now, deps.network.quietHours, deps.network.timeZone).toISOString(),
        data: { ...timer.data, held: true },
      },
    ]);
    return;
  }
  if (reads.elder === undefined) reads.elder = await deps.store.getPerson(request.elderId);
  const { ranked } = await findCandidates(deps, request, reads.elder, stage, now, reads);
  const take = stage === 1 ? rules.wave1Size : stage === 2 ? rules.wave2Size : 50;
  const chosen = ranked.slice(0, take);
  // Nobody at this stage: the next one goes at once, reusing what this one read.
  if (!chosen.length) return routeRequest(deps, request, stage + 1, round, now, reads);
  await deps.requests.recordOffers(
    request,
    chosen.map((c) => c.volunteer.id),
    round,
    stage,
  );
  const hood = findNeighbourhood(deps.network, request.neighbourhoodId)?.hood.name ?? '';
  await deps.outbox.enqueue(
    chosen.flatMap((c) =>
      messagesTo(
        c.volunteer,
        `offer.${request.id}.${round}`,
        [
          reply(
            request.urgent ? 'request.offerUrgent' : 'request.offer',
            {
              category: { t: `categories.${request.category}` },
              when: whenParam(request),
              hood,
              km: roughKm(c.km),
            },
            {
              buttons: [
                [{ label: 'buttons.acceptOffer', data: actionData('oa', request.id) }],
                [{ label: 'buttons.declineOffer', data: actionData('od', request.id) }],
              ],
            },
          ),
        ],
        request.urgent,
      ).map((m) => ({
        ...m,
        track: { requestId: request.id, field: 'offer' as const, volunteerId: c.volunteer.id },
      })),
    ),
  );
  await deps.timers.schedule([
    { ...timer, due: new Date(now.getTime() + rules.waveTimeoutMinutes * 60_000).toISOString() },
  ]);
}

/** Wave timeout: nobody accepted this round in time, so the next stage goes out. */
export async function fireWave(deps: AppDeps, timer: Claimed<'wave'>, now: Date): Promise<void> {
  const { requestId, round, stage, held } = timer.data;
  const request = await deps.requests.getRequest(requestId);
  if (!request || request.state !== 'open') return;
  if (held) return routeRequest(deps, request, stage, round, now);
  if (request.wave !== round) return;
  await routeRequest(deps, request, stage + 1, round + 1, now);
}

/**
 * Past the last stage: the zone's mediators get an "unassigned" alert, and the elder and the
 * relatives following the request hear that nobody could take it yet and that someone is on it.
 */
async function raiseUnassigned(deps: AppDeps, request: HelpRequest, round: number, now: Date) {
  const { elder, followers } = await deps.requests.elderDetails(request.elderId, request.followers);
  if (!elder) return;
  await raiseAlert(
    deps,
    {
      kind: 'unassignedRequest',
      id: alertIds.unassignedRequest(request.id, round),
      subject: elder,
      zoneId: request.zoneId,
      requestId: request.id,
    },
    now,
  );
  const category = { t: `categories.${request.category}` };
  await deps.outbox.enqueue(
    [elder, ...followers].flatMap((p) =>
      messagesTo(
        p,
        `req.${request.id}.${round}.nobodyYet`,
        [
          p.id === elder.id
            ? reply('request.nobodyYet', { category })
            : reply('request.nobodyYetFor', { category, name: firstName(elder) }),
        ],
        request.urgent,
      ),
    ),
  );
}

/** Tells the elder and the relatives following the request. */
export async function tellFollowers(
  deps: AppDeps,
  people: Person[],
  key: string,
  text: string,
  params: Record<string, Param>,
) {
  await deps.outbox.enqueue(people.flatMap((p) => messagesTo(p, key, [reply(text, params)])));
}
