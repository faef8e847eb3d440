/**
 * `npm run bench`: bundles every Lambda as `cdk deploy` does, then measures
 * each bundle's size and the time to import it (its whole cold-start init:
 * parsing, module evaluation, config, secrets, runtime wiring) in fresh Node
 * processes run as Lambda runs them (no Node options), and, for comparison,
 * with `--enable-source-maps`; then the time to print the first stack (when the
 * source map is read and decoded, bot/adapters/stack-traces.ts, or, with the
 * flag, decoded). It writes the figures into BENCHMARKS.md between its markers,
 * keeping every other section of the file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { synthBundles } from '../infra/synth-bundles.js';
import type { FunctionName } from '../infra/vicini-stack.js';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const budget = { bytes: 400 * 1024, importMs: 100 };
const file = new URL('../BENCHMARKS.md', import.meta.url);
const start = '<!-- bench:bundles:start -->';
const end = '<!-- bench:bundles:end -->';

const loadBefore = loadavg()[0]!;
const out = mkdtempSync(join(tmpdir(), 'vicini-bench-'));
try {
  const dirs = synthBundles(out, { metafile: true });
  const secrets = join(out, 'secrets.json');
  writeFileSync(
    secrets,
    JSON.stringify({
      TELEGRAM_BOT_TOKEN: '7000000001:AAFakeTokenForTheBenchmark_0123456789',
      TELEGRAM_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789',
      WHATSAPP_VERIFY_TOKEN: 'bench-verify-token-0123456789',
      WHATSAPP_ACCESS_TOKEN: 'bench-access-token-0123456789',
      WHATSAPP_APP_SECRET: 'bench-app-secret-0123456789',
    }),
  );
  const rows = (Object.entries(dirs) as [FunctionName, string][]).map(([name, dir]) => {
    const code = readFileSync(join(dir, 'index.mjs'));
    // Alternated, so that a change of load weighs on both alike.
    const imports: Imported[] = [];
    const flagged: Imported[] = [];
    for (let i = 0; i < runs; i++) {
      imports.push(importMs(dir, name, secrets));
      flagged.push(importMs(dir, name, secrets, ['--enable-source-maps']));
    }
    const sorted = (list: Imported[], key: keyof Imported) => list.map((i) => i[key]).sort((a, b) => a - b);
    const times = sorted(imports, 'wall');
    return {
      name,
      bytes: code.length,
      gzip: gzipSync(code).length,
      map: statSync(join(dir, 'index.mjs.map')).size,
      // Everything Lambda unpacks: the bundle, its map, the network file, the chart files where used.
      folder: folderBytes(dir),
      median: median(times),
      min: times[0]!,
      max: times.at(-1)!,
      cpu: median(sorted(imports, 'cpu')),
      firstStack: median(sorted(imports, 'stack')),
      flag: {
        median: median(sorted(flagged, 'wall')),
        cpu: median(sorted(flagged, 'cpu')),
        firstStack: median(sorted(flagged, 'stack')),
      },
      packages: heaviest(join(dir, 'index.meta.json')),
    };
  });
  const webhook = rows.find((r) => r.name === 'telegramWebhook')!;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const signed = (n: number) => `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(0)}`;
  const met = (r: (typeof rows)[number]) =>
    `${r.bytes <= budget.bytes ? 'met' : 'not met'} / ${r.median <= budget.importMs ? 'met' : 'not met'}`;
  const section = [
    start,
    '## Lambda bundles: size and import time',
    '',
    `Written by \`npm run bench\` (bench/bundles.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version},`,
    `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length}, load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end.`,
    `${Math.max(loadBefore, loadavg()[0]!) > cpus().length ? '(Above the core count: other processes share the CPU and every time is high.) ' : ''}Each bundle is built exactly as`,
    '`cdk deploy` builds it (infra/bundling.ts: ESM, minified, UTF-8, source maps without sources, AWS SDK included,',
    "grammY's web build, the locale files beside the bundle; the folder counts them). Import time: from `import()` to its end in a fresh `node` process started in the bundle folder, as",
    "Lambda starts it: parsing, module evaluation, zod config, secrets (from a local file here; one Secrets Manager call each on AWS), the runtime's wiring.",
    `Median of ${runs} runs as deployed: Node without options, so the source map is not read at the import (the`,
    "bundle maps a stack's frames when one is first printed, bot/adapters/stack-traces.ts); CPU time is user + system",
    'time of the import in the same runs (all threads), which a busy machine inflates far less than the wall clock.',
    'For comparison, the same with `--enable-source-maps` (as the Lambdas ran before), in runs alternating with',
    "those, and what the flag adds. First stack: the time to format the first error's stack after the import,",
    'which reads and decodes the map (with the flag, Node read it at the import and decodes it then); once per',
    'cold start, and only when an error is printed.',
    '',
    `| bundle | minified | gzip | source map | folder | import (median) | min–max | CPU time (median) | with \`--enable-source-maps\`: import / CPU (added) | first stack: without / with the flag | ≤ ${kb(budget.bytes)} / ≤ ${budget.importMs} ms |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${kb(r.bytes)} | ${kb(r.gzip)} | ${kb(r.map)} | ${kb(r.folder)} | ${ms(r.median)} | ${ms(r.min)}–${ms(r.max)} | ${ms(r.cpu)} | ${ms(r.flag.median)} / ${ms(r.flag.cpu)} (${signed(r.flag.median - r.median)} / ${signed(r.flag.cpu - r.cpu)}) | ${ms(r.firstStack)} / ${ms(r.flag.firstStack)} | ${met(r)} |`,
    ),
    '',
    'What the webhook bundle is made of (esbuild metafile, bytes in the minified output, by package):',
    '',
    '| package | minified |',
    '|---|---:|',
    ...webhook.packages.slice(0, 14).map(([pkg, bytes]) => `| ${pkg} | ${kb(bytes)} |`),
    '',
    end,
  ].join('\n');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const next =
    before.includes(start) && before.includes(end)
      ? before.slice(0, before.indexOf(start)) + section + before.slice(before.indexOf(end) + end.length)
      : `${before.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(section);
} finally {
  rmSync(out, { recursive: true, force: true });
}

interface Imported {
  wall: number;
  cpu: number;
  /** Milliseconds to format the first stack after the import. */
  stack: number;
}

/**
 * One fresh process: milliseconds from import() to the module's evaluation done, on the wall clock and
 * in CPU time (user + system, all threads): on a machine shared with other work the wall clock also
 * counts the time others held the CPU, the CPU time much less so. Then the wall-clock time of the
 * first stack formatted.
 */
function importMs(dir: string, name: string, secrets: string, nodeOptions: string[] = []): Imported {
  const script =
    "const { pathToFileURL } = await import('node:url'); const t = performance.now(); const c = process.cpuUsage();" +
    " const { handler } = await import(pathToFileURL(process.cwd() + '/index.mjs').href);" +
    ' const u = process.cpuUsage(c); const wall = performance.now() - t;' +
    // An error thrown in the bundle (each handler refuses a null event), so that its frames are the bundle's.
    ' const e = await Promise.resolve().then(() => handler(null)).then(() => { throw new Error("handler(null) did not throw"); }, (err) => err);' +
    " const s = performance.now(); if (!String(e.stack).includes('\\n    at ')) throw e; const stack = performance.now() - s;" +
    ' process.stdout.write(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000, stack }), () => process.exit(0));';
  const output = execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      AWS_LAMBDA_FUNCTION_NAME: `bench-${name}`,
      AWS_REGION: 'eu-south-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      VICINI_LOCAL_SECRETS: '1',
      VICINI_SECRETS_FILE: secrets,
      TABLE_NAME: 'vicini-bench',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      NETWORK_FILE: 'network/brescia.json',
      OUTBOX_QUEUE_URL: 'https://sqs.eu-south-1.amazonaws.com/000000000000/bench.fifo',
      TELEGRAM_BOT_USERNAME: 'vicini_bench_bot',
      // What the stack sets where WhatsApp is used: the webhook, and the sender when it is configured.
      ...(name === 'whatsappWebhook' || name === 'outboxSender'
        ? { WHATSAPP_PHONE_NUMBER_ID: '100000000000001', WHATSAPP_BUSINESS_NUMBER: '390300000001' }
        : {}),
    },
  });
  return JSON.parse(output) as Imported;
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'index.meta.json')
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Bytes in the output by npm package (or project folder), largest first. */
function heaviest(metafile: string): [string, number][] {
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const totals = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/')[0] ?? input;
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
