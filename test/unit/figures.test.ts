import { describe, expect, it } from 'vitest';
import { figuresChart } from '../../bot/app/figures/chart.js';
import { resvgCharts } from '../../bot/adapters/charts/resvg.js';
import {
  bucketOf,
  isoWeek,
  medianMinutes,
  nextMonday,
  weekFigures,
  weeksUpTo,
  weekStart,
} from '../../bot/domain/figures.js';

const rome = 'Europe/Rome';

describe('weeks and medians', () => {
  it('names ISO weeks in the network time zone', () => {
    // Sunday 22 November, 23:30 in Rome (22:30Z): still week 47.
    expect(isoWeek(new Date('2026-11-22T22:30:00Z'), rome)).toBe('2026-W47');
    // Monday 00:30 in Rome (Sunday 23:30Z) is week 48 there.
    expect(isoWeek(new Date('2026-11-22T23:30:00Z'), rome)).toBe('2026-W48');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'), rome)).toBe('2026-W53');
    expect(weeksUpTo(new Date('2026-11-25T12:00:00Z'), rome, 3)).toEqual([
      '2026-W46',
      '2026-W47',
      '2026-W48',
    ]);
    expect(weekStart('2026-W48')).toBe('2026-11-23');
  });

  it('finds the next Monday 08:00 in Rome, across the change to summer time', () => {
    expect(nextMonday(new Date('2026-11-20T10:00:00Z'), rome).toISOString()).toBe('2026-11-23T07:00:00.000Z');
    // At 08:00 sharp the next one is a week later.
    expect(nextMonday(new Date('2026-11-23T07:00:00Z'), rome).toISOString()).toBe('2026-11-30T07:00:00.000Z');
    expect(nextMonday(new Date('2027-03-25T10:00:00Z'), rome).toISOString()).toBe('2027-03-29T06:00:00.000Z');
  });

  it('reads an approximate median from minute buckets, null when empty', () => {
    expect(medianMinutes({}, 'ack')).toBeNull();
    const counters = {
      [`h_ack_${bucketOf(3)}`]: 1,
      [`h_ack_${bucketOf(25)}`]: 1,
      [`h_ack_${bucketOf(200)}`]: 1,
    };
    expect(medianMinutes(counters, 'ack')).toBe(30);
    expect(medianMinutes({ [`h_ack_${bucketOf(99_999)}`]: 2 }, 'ack')).toBe(Infinity);
  });

  it('works out rates without dividing by zero, and the load spread', () => {
    const empty = weekFigures({ week: '2026-W47', counters: {}, loads: [] }, ['shopping']);
    expect(empty).toMatchObject({
      answerRate: 0,
      onTimeRate: 0,
      load: { one: 0, two: 0, threePlus: 0, max: 0 },
    });
    const some = weekFigures(
      { week: '2026-W47', counters: { prompted: 3, answered: 2, onTime: 1 }, loads: [1, 2, 4, 1] },
      ['shopping'],
    );
    expect(some).toMatchObject({
      answerRate: 67,
      onTimeRate: 33,
      load: { one: 2, two: 1, threePlus: 1, max: 4 },
    });
  });
});

describe('the chart', () => {
  const weeks = ['sett. 45', 'sett. 46', 'sett. 47'];

  it('draws both panels with the labels given, escaped', () => {
    const svg = figuresChart({
      title: 'Nord & dintorni: ultime sei settimane',
      answerRate: 'Domande quotidiane con risposta (%)',
      requests: 'Richieste di aiuto',
      weeks: weeks.map((label, i) => ({ label, answerRate: [50, 75, 100][i]!, requests: i })),
    });
    expect(svg).toContain('Nord &amp; dintorni');
    expect(svg).toContain('Domande quotidiane con risposta (%)');
    expect(svg).toContain('Richieste di aiuto');
    for (const w of weeks) expect(svg).toContain(w);
    expect(svg).toContain('>75%<');
  });

  it('has no NaN or Infinity with zero (or broken) data', () => {
    const svg = figuresChart({
      title: 't',
      answerRate: 'a',
      requests: 'r',
      weeks: [
        { label: 'w1', answerRate: 0, requests: 0 },
        { label: 'w2', answerRate: Number.NaN, requests: Number.POSITIVE_INFINITY },
      ],
    });
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(figuresChart({ title: 't', answerRate: 'a', requests: 'r', weeks: [] })).not.toMatch(
      /NaN|Infinity/,
    );
  });

  it('renders to a PNG of the drawing size, in every script the locales use', async () => {
    const svg = figuresChart({
      title: 'Nord: ultime sei settimane · Північ · الشمال',
      answerRate: 'Щоденні запитання з відповіддю (%)',
      requests: 'طلبات المساعدة',
      weeks: weeks.map((label) => ({ label, answerRate: 80, requests: 2 })),
    });
    const png = Buffer.from((await resvgCharts().png(svg))!);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(560);
    expect(png.length).toBeGreaterThan(5_000);
    expect(png.length).toBeLessThan(120_000);
  });

  it('draws from every renderer of one process (each runtime makes one; the WebAssembly starts once)', async () => {
    const svg = figuresChart({
      title: 'Nord',
      answerRate: '%',
      requests: 'n',
      weeks: weeks.map((label) => ({ label, answerRate: 50, requests: 1 })),
    });
    const [a, b] = await Promise.all([resvgCharts().png(svg), resvgCharts().png(svg)]);
    const c = await resvgCharts().png(svg);
    expect([a, b, c].map((png) => Buffer.from(png!).subarray(1, 4).toString())).toEqual([
      'PNG',
      'PNG',
      'PNG',
    ]);
  });
});
