/**
 * `npm run bench` (routing part): the time and the items read to find wave-1
 * candidates for a request in a city with 1,000, 10,000 and 50,000 volunteers,
 * on DynamoDB Local, written into BENCHMARKS.md between its markers.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { findCandidates } from '../bot/app/requests/routing.js';
import type { AppDeps } from '../bot/app/common/deps.js';
import type { HelpRequest } from '../bot/domain/request.js';
import { loadNetworkFile } from '../bot/config/network.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { startDynamoLocal } from '../bot/adapters/store/dynamo-local.js';
import { DynamoRequests } from '../bot/adapters/store/dynamo-requests.js';
import { DynamoStore } from '../bot/adapters/store/dynamo-store.js';
import { initTable } from '../bot/adapters/store/init-table.js';
import { prng, seedCity } from './support/city.js';

const sizes = [1_000, 10_000, 50_000];
const routes = Number(process.env.BENCH_ROUTES ?? 25);
const file = new URL('../BENCHMARKS.md', import.meta.url);
const start = '<!-- bench:routing:start -->';
const end = '<!-- bench:routing:end -->';
const now = new Date('2026-11-21T09:00:00.000Z');

const dynamo = await startDynamoLocal();
const rows: string[] = [];
try {
  for (const size of sizes) {
    const doc = createDocumentClient({ region: 'eu-south-1', endpoint: dynamo.endpoint });
    const table = `bench_${size}`;
    await initTable(doc, table);
    const seeded = Date.now();
    await seedCity(doc, table, size, 7);
    const seedMs = Date.now() - seeded;
    const deps = {
      network: loadNetworkFile('network/brescia.json'),
      store: new DynamoStore(doc, table),
      requests: new DynamoRequests(doc, table),
    } as unknown as AppDeps;
    const random = prng(99);
    const times: number[] = [];
    const items: number[] = [];
    const queries: number[] = [];
    const rounds: number[] = [];
    for (let i = 0; i < routes; i++) {
      const request = {
        id: `b${i}`,
        elderId: 'e',
        zoneId: 'nord',
        lat: 45.51 + random() * 0.06,
        lon: 10.18 + random() * 0.09,
        category: 'shopping',
        when: { kind: 'today', date: '2026-11-21' },
        offeredTo: [],
        excluded: [],
      } as unknown as HelpRequest;
      const t0 = performance.now();
      const found = await findCandidates(deps, request, null, 1, now);
      times.push(performance.now() - t0);
      items.push(found.itemsRead);
      queries.push(found.queries);
      rounds.push(found.rounds);
    }
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const med = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
    rows.push(
      `| ${size.toLocaleString('en')} | ${med(times).toFixed(1)} ms | ${sorted(times).at(-1)!.toFixed(1)} ms | ${med(items)} | ${Math.max(...items)} | ${med(queries)} | ${Math.max(...queries)} | ${med(rounds)} | ${Math.max(...rounds)} | ${(seedMs / 1000).toFixed(1)} s |`,
    );
    console.log(rows.at(-1));
    doc.destroy();
  }
} finally {
  await dynamo.stop();
}

const section = [
  start,
  '## Routing: finding wave-1 candidates',
  '',
  `Written by \`npm run bench\` (bench/routing.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length},`,
  'DynamoDB Local 3.3.1 (in memory) on the same machine. Volunteers are spread evenly over a 11 km × 12 km box',
  'around Brescia, each helping with 2–3 of the 7 categories; each figure is over ' +
    routes +
    ' requests at random',
  'points of the city. "Items read" is what the geo-index queries returned (GSI3: volunteers by geohash,',
  'partitioned by precision-5 cell). A "round" is one set of index queries sent together (the next waits',
  'for it): the first reads the nearest ring (0.25 km, precision-7 sub-cells by sort-key prefix); unless three',
  'eligible volunteers lie within it, the second reads at once out to the ring that the density found in the first',
  'says holds twice that (0.5 km in sub-cells, wider in precision-6 cells, or in whole precision-5 partitions where',
  'that costs few items more by the density found so far; bot/domain/cells.ts `ringForDensity`, `ringQueries`);',
  'cells that follow each other in geohash order go as one query (a sort-key range, `runs`); only if still short,',
  "further rounds go ring by ring. Time includes DynamoDB Local's own latency on a 2-core machine shared with the",
  'benchmark itself (and, this time, with other sessions).',
  '',
  '| volunteers | time (median) | time (max) | items read (median) | items read (max) | index queries (median) | (max) | rounds (median) | (max) | seeding |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
  end,
].join('\n');

const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const next = current.includes(start)
  ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), section)
  : `${current.trimEnd()}\n\n${section}\n`;
writeFileSync(file, next);
console.log('BENCHMARKS.md: routing section written');
