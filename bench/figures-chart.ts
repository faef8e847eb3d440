/**
 * `npx tsx bench/figures-chart.ts`: the weekly figures' chart of a sample zone
 * (thirty elders, six weeks) drawn by the code the bot uses, to
 * docs/figures-chart.png for the README.
 */
import { writeFileSync } from 'node:fs';
import { resvgCharts } from '../bot/adapters/charts/resvg.js';
import { figuresSvg } from '../bot/app/figures/figures.js';
import { categories } from '../bot/domain/person.js';
import { weekFigures, weeksUpTo } from '../bot/domain/figures.js';

const weeks = weeksUpTo(new Date('2026-11-26T12:00:00Z'), 'Europe/Rome', 6);
// Thirty elders asked daily; this week is three days old.
const answered = [181, 187, 176, 192, 195, 83];
const requests = [4, 6, 5, 9, 7, 3];
const sample = weeks.map((week, i) =>
  weekFigures(
    {
      week,
      counters: {
        prompted: i === weeks.length - 1 ? 90 : 210,
        answered: answered[i]!,
        requested: requests[i]!,
      },
      loads: [],
    },
    categories,
  ),
);
const png = await resvgCharts().png(figuresSvg('it', 'Nord', sample));
if (!png) throw new Error('resvg could not be loaded');
const out = new URL('../docs/figures-chart.png', import.meta.url);
writeFileSync(out, png);
console.log(`${out.pathname}: ${png.length} bytes`);
