import { alertKinds } from '../../domain/alert.js';
import {
  networkArea,
  nextMonday,
  weekFigures,
  weeksUpTo,
  type RoleCounts,
  type WeekFigures,
} from '../../domain/figures.js';
import { categories, roles } from '../../domain/person.js';
import { reply, type Param, type Reply } from '../../flows/types.js';
import { render } from '../../core/i18n.js';
import type { Claimed } from '../../core/ports.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
import type { Turn } from '../common/turn.js';
import { figuresChart } from './chart.js';

/** Weeks the chart shows, this one included. */
const chartWeeks = 6;
export const weeklyFiguresTimerId = 'figures.weekly';

/** The Monday 08:00 timer of the whole network: one id, so scheduling it again keeps one. */
export async function scheduleWeeklyFigures(deps: AppDeps, now: Date): Promise<void> {
  await deps.timers.schedule([
    {
      id: weeklyFiguresTimerId,
      kind: 'figures',
      due: nextMonday(now, deps.network.timeZone).toISOString(),
      data: {},
    },
  ]);
}

/** `/figures`: her zone and the network, last week and this week so far: a text, a chart, a CSV. */
export async function showFigures(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'mediator' || !person.zoneId) {
    turn.say(reply('errors.mediatorsOnly'));
    return;
  }
  const report = await figuresReport(deps, person.zoneId, turn.now);
  turn.say(...(await report(person.lang)));
  // A network whose mediators joined before the figures existed gets its Monday timer here.
  await scheduleWeeklyFigures(deps, turn.now);
}

/**
 * Monday 08:00: every mediator of each zone gets the figures of the week just
 * ended. Mediators are read from the zone index and the counters by key: the
 * cost grows with zones, not with elders. Message ids name the week, so a timer
 * that fires twice sends once. The next Monday replaces this timer.
 */
export async function fireWeeklyFigures(deps: AppDeps, timer: Claimed<'figures'>, now: Date): Promise<void> {
  const [lastWeek] = weeksUpTo(new Date(Date.parse(timer.due) - 3600_000), deps.network.timeZone, 1);
  for (const zone of deps.network.zones) {
    const mediators = (await deps.store.listPeople(zone.id, 'mediator')).filter((m) => m.onboardedAt);
    if (!mediators.length) continue;
    const report = await figuresReport(deps, zone.id, now);
    const byLang = new Map<string, Reply[]>();
    for (const m of mediators) {
      // With its headline as a stand-in: outside WhatsApp's window that goes as a template, the chart on top.
      const replies = byLang.get(m.lang) ?? (await report(m.lang, { standIn: true }));
      byLang.set(m.lang, replies);
      await deps.outbox.enqueue(messagesTo(m, `figures.${lastWeek}`, replies));
    }
  }
  await scheduleWeeklyFigures(deps, now);
}

type Area = { id: string; name: string };

/** Reads a zone's and the network's counters once; renders the report in any language. */
async function figuresReport(
  deps: AppDeps,
  zoneId: string,
  now: Date,
): Promise<(lang: string, options?: { standIn?: boolean }) => Promise<Reply[]>> {
  const weeks = weeksUpTo(now, deps.network.timeZone, chartWeeks);
  const zone: Area = { id: zoneId, name: deps.network.zones.find((z) => z.id === zoneId)?.name ?? zoneId };
  const read = await deps.figures.read([zoneId, networkArea], weeks);
  const figuresOf = (area: string, week: string): WeekFigures =>
    weekFigures(read.weeks.get(`${area}|${week}`) ?? { week, counters: {}, loads: [] }, categories);
  const thisWeek = weeks[weeks.length - 1]!;
  const lastWeek = weeks[weeks.length - 2]!;
  const people = (area: string) => read.people.get(area) ?? {};
  const columns = [
    { area: zoneId, week: lastWeek },
    { area: zoneId, week: thisWeek },
    { area: networkArea, week: lastWeek },
    { area: networkArea, week: thisWeek },
  ].map((c) => ({ ...c, figures: figuresOf(c.area, c.week) }));
  const csv = figuresCsv(columns, people, thisWeek);

  return async (lang, options = {}) => {
    const svg = figuresSvg(
      lang,
      zone.name,
      weeks.map((week) => figuresOf(zoneId, week)),
    );
    const png = await deps.charts.png(svg);
    const last = columns[0]!.figures;
    const headline = reply('figures.weekly', {
      zone: zone.name,
      answered: last.answered,
      prompted: last.prompted,
      rate: last.answerRate,
      alerts: Object.values(last.alerts).reduce((a, b) => a + b, 0),
      requests: last.requested,
    });
    const text = reply(
      'figures.text',
      {
        zone: zone.name,
        people: peopleParam(people(zoneId)),
        zoneLast: summary(last),
        zoneThis: summary(columns[1]!.figures),
        networkPeople: peopleParam(people(networkArea)),
        networkLast: summary(columns[2]!.figures),
      },
      options.standIn ? { standIn: headline } : {},
    );
    return [
      text,
      ...(png
        ? [
            reply(
              'figures.chartCaption',
              { zone: zone.name },
              { photo: { filename: 'vicini-figures.png', png: Buffer.from(png).toString('base64') } },
            ),
          ]
        : []),
      reply('figures.csvCaption', undefined, {
        document: { filename: `vicini-figures-${zoneId}-${thisWeek}.csv`, content: csv },
      }),
    ];
  };
}

/** The chart of a zone's weeks (answer rate, requests), its words in the reader's language. */
export function figuresSvg(lang: string, zoneName: string, weeks: WeekFigures[]): string {
  const plain = (key: string, params?: Record<string, Param>) =>
    render(lang, key, params, { escape: (s) => s, deepLink: (s) => s });
  return figuresChart({
    title: plain('figures.chart.title', { zone: zoneName }),
    answerRate: plain('figures.chart.answerRate'),
    requests: plain('figures.chart.requests'),
    weeks: weeks.map((f) => ({
      label: plain('figures.chart.week', { n: Number(f.week.slice(-2)) }),
      answerRate: f.answerRate,
      requests: f.requested,
    })),
  });
}

function peopleParam(p: Partial<RoleCounts>): Param {
  return {
    t: 'figures.people',
    params: {
      elders: p.elder ?? 0,
      relatives: p.relative ?? 0,
      volunteers: p.volunteer ?? 0,
      mediators: p.mediator ?? 0,
    },
  };
}

/** A median read from a histogram: the upper bound of its bucket, so "within". */
function median(minutes: number | null): Param {
  if (minutes === null) return '';
  if (!Number.isFinite(minutes)) return { t: 'figures.medianLong' };
  return { t: 'figures.median', params: { minutes } };
}

function summary(f: WeekFigures): Param {
  return {
    t: 'figures.summary',
    params: {
      prompted: f.prompted,
      answered: f.answered,
      rate: f.answerRate,
      onTime: f.onTime,
      alerts: Object.values(f.alerts).reduce((a, b) => a + b, 0),
      acked: f.acked,
      ackTime: median(f.medianAck),
      resolved: f.resolved,
      resolveTime: median(f.medianResolve),
      requested: f.requested,
      assigned: f.assigned,
      assignTime: median(f.medianAssign),
      completed: f.completed,
      completeTime: median(f.medianComplete),
      unassigned: f.unassigned,
      expired: f.expired,
      busy: f.load.one + f.load.two + f.load.threePlus,
      max: f.load.max,
    },
  };
}

const csvMedian = (m: number | null) => (m === null ? '' : Number.isFinite(m) ? String(m) : '>10080');

/** One row per figure, one column per area and week; medians are upper bounds of minute buckets. */
function figuresCsv(
  columns: { area: string; week: string; figures: WeekFigures }[],
  people: (area: string) => Partial<RoleCounts>,
  thisWeek: string,
): string {
  const rows: [string, (c: (typeof columns)[number]) => string | number][] = [
    ...roles.map(
      (r) =>
        [
          `people_${r}`,
          (c: (typeof columns)[number]) => (c.week === thisWeek ? (people(c.area)[r] ?? 0) : ''),
        ] as [string, (c: (typeof columns)[number]) => string | number],
    ),
    ['checkins_prompted', (c) => c.figures.prompted],
    ['checkins_answered', (c) => c.figures.answered],
    ['checkins_answered_on_time', (c) => c.figures.onTime],
    ['checkins_answer_rate_pct', (c) => c.figures.answerRate],
    ['checkins_on_time_rate_pct', (c) => c.figures.onTimeRate],
    ...alertKinds.map(
      (k) =>
        [`alerts_${k}`, (c: (typeof columns)[number]) => c.figures.alerts[k]] as [
          string,
          (c: (typeof columns)[number]) => number,
        ],
    ),
    ['alerts_acknowledged', (c) => c.figures.acked],
    ['alerts_resolved', (c) => c.figures.resolved],
    ['alerts_median_minutes_to_acknowledge_at_most', (c) => csvMedian(c.figures.medianAck)],
    ['alerts_median_minutes_to_resolve_at_most', (c) => csvMedian(c.figures.medianResolve)],
    ['requests_created', (c) => c.figures.requested],
    ...categories.map(
      (k) =>
        [`requests_${k}`, (c: (typeof columns)[number]) => c.figures.categories[k] ?? 0] as [
          string,
          (c: (typeof columns)[number]) => number,
        ],
    ),
    ['requests_assigned', (c) => c.figures.assigned],
    ['requests_completed', (c) => c.figures.completed],
    ['requests_unassigned', (c) => c.figures.unassigned],
    ['requests_expired', (c) => c.figures.expired],
    ['requests_median_minutes_to_assign_at_most', (c) => csvMedian(c.figures.medianAssign)],
    ['requests_median_minutes_to_complete_at_most', (c) => csvMedian(c.figures.medianComplete)],
    ['volunteers_with_1_task', (c) => c.figures.load.one],
    ['volunteers_with_2_tasks', (c) => c.figures.load.two],
    ['volunteers_with_3_or_more_tasks', (c) => c.figures.load.threePlus],
    ['volunteer_most_tasks', (c) => c.figures.load.max],
  ];
  const header = [
    'metric',
    ...columns.map((c) => `${c.area === networkArea ? 'network' : c.area} ${c.week}`),
  ];
  return [header, ...rows.map(([name, value]) => [name, ...columns.map((c) => String(value(c)))])]
    .map((r) => r.join(','))
    .join('\n')
    .concat('\n');
}
