/**
 * `npm run soak`: the fault suite and the exactly-once tests, run again and again while another
 * test suite runs beside them (its own vitest, its own DynamoDB Local), so they meet the load and
 * timing of a busy machine. Prints pass or fail for each run; exits 1 if any run failed.
 *
 *   npm run soak                          10 runs of the default files, test/e2e beside them
 *   npm run soak -- --runs 1              one run
 *   npm run soak -- --beside test/unit    another suite beside them (--beside none: nothing)
 *   npm run soak -- test/faults/turn-shape.test.ts   other files to repeat
 *
 * Each run's output, and the suite beside's, is kept under test-results/soak/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** The fault suite and the tests that hold the exactly-once promises under races and scale. */
const defaultFiles = [
  'test/faults',
  'test/integration/turn-writes.test.ts',
  'test/integration/requests.test.ts',
  'test/integration/sender.test.ts',
  'test/integration/tick-scale.test.ts',
];

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    beside: { type: 'string', multiple: true, default: ['test/e2e'] },
  },
  allowPositionals: true,
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a whole number ≥ 1, not ${values.runs}`);
const files = positionals.length ? positionals : defaultFiles;
const beside = values.beside.includes('none') ? [] : values.beside;
const logs = join('test-results', 'soak');
mkdirSync(logs, { recursive: true });

/** vitest on these files, its output into `log`; in its own process group, so it can be stopped whole. */
function vitest(paths: string[], log: string): ChildProcess {
  const out = createWriteStream(log);
  const child = spawn('npx', ['vitest', 'run', '--reporter=dot', ...paths], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1))));

/** The suite beside, started again whenever it ends, until `stop`: how many times it ran and failed. */
function besideLoop(run: number) {
  let stopped = false;
  let current: ChildProcess | undefined;
  const tally = { runs: 0, failed: 0, cut: false };
  const loop = (async () => {
    while (!stopped && beside.length) {
      current = vitest(beside, join(logs, `run-${run}-beside-${tally.runs + 1}.log`));
      const code = await exited(current);
      if (stopped) break;
      tally.runs++;
      if (code !== 0) tally.failed++;
    }
  })();
  return {
    tally,
    async stop() {
      stopped = true;
      // Our own child's process group: vitest and its workers, nothing else.
      if (current?.pid && current.exitCode === null) {
        tally.cut = true;
        try {
          process.kill(-current.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      await loop;
    },
  };
}

console.log(
  `soak: ${runs} run(s) of ${files.join(' ')}${beside.length ? `, beside ${beside.join(' ')}` : ''}`,
);
let failures = 0;
for (let run = 1; run <= runs; run++) {
  const side = besideLoop(run);
  const started = Date.now();
  const log = join(logs, `run-${run}.log`);
  const code = await exited(vitest(files, log));
  await side.stop();
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code !== 0) failures++;
  const besideNote = beside.length
    ? `; beside: ${side.tally.runs} finished, ${side.tally.failed} failed${side.tally.cut ? ', one stopped' : ''}`
    : '';
  console.log(`run ${run}/${runs}: ${code === 0 ? 'pass' : 'FAIL'} in ${seconds} s (${log})${besideNote}`);
}
console.log(`soak: ${runs - failures}/${runs} runs passed`);
process.exit(failures ? 1 : 0);
