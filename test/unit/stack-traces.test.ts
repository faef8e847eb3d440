import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync, transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMappings } from '../../bot/adapters/source-map.js';
import { mapStackTraces, relativeSources, stackFrames } from '../../bot/adapters/stack-traces.js';

/** Source map v3 VLQ, to write mappings by hand. */
function vlq(...values: number[]): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  return values
    .map((value) => {
      let v = value < 0 ? (-value << 1) | 1 : value << 1;
      let out = '';
      do {
        let digit = v & 31;
        v >>>= 5;
        if (v) digit |= 32;
        out += chars[digit];
      } while (v);
      return out;
    })
    .join('');
}

describe('decodeMappings', () => {
  it('finds the segment at or before a column, on its own generated line only', () => {
    // Line 0: col 0 → source 0 line 0 col 0; col 10 → source 1 line 4 col 2. Line 1: none. Line 2: col 3 → source 1 line 2 col 0.
    const map = decodeMappings(`${vlq(0, 0, 0, 0)},${vlq(10, 1, 4, 2)};;${vlq(3, 0, -2, -2)}`);
    expect(map.find(0, 0)).toEqual({ source: 0, line: 0, column: 0 });
    expect(map.find(0, 9)).toEqual({ source: 0, line: 0, column: 0 });
    expect(map.find(0, 10)).toEqual({ source: 1, line: 4, column: 2 });
    expect(map.find(0, 5000)).toEqual({ source: 1, line: 4, column: 2 });
    expect(map.find(1, 4)).toBeUndefined();
    expect(map.find(2, 2)).toBeUndefined();
    expect(map.find(2, 3)).toEqual({ source: 1, line: 2, column: 0 });
    expect(map.find(3, 0)).toBeUndefined();
    expect(map.find(-1, 0)).toBeUndefined();
  });

  it('skips names, and a one-field segment maps to nothing', () => {
    const map = decodeMappings(`${vlq(0, 0, 7, 1, 3)},${vlq(5)},${vlq(2, 0, 1, 0, -1)}`);
    expect(map.find(0, 1)).toEqual({ source: 0, line: 7, column: 1 });
    expect(map.find(0, 6)).toBeUndefined();
    expect(map.find(0, 7)).toEqual({ source: 0, line: 8, column: 1 });
    expect(decodeMappings('').find(0, 0)).toBeUndefined();
  });

  it('agrees with Node’s own SourceMap at every column of a minified build', () => {
    const source = Array.from(
      { length: 40 },
      (_, i) =>
        `export function f${i}(a: number, b: string): string {\n  const c = a * ${i} + b.length;\n  if (c > ${i}) throw new Error(\`\${b} \${c}\`);\n  return [b, c, '${'x'.repeat(i)}'].join('-');\n}`,
    ).join('\n');
    const out = transformSync(source, { loader: 'ts', minify: true, sourcemap: 'external', format: 'esm' });
    const payload = JSON.parse(out.map) as { mappings: string; sources: string[] };
    const ours = decodeMappings(payload.mappings);
    const node = new SourceMap(payload as never);
    const lines = out.code.split('\n');
    let checked = 0;
    lines.forEach((line, l) => {
      for (let c = 0; c <= line.length; c++) {
        const entry = node.findEntry(l, c) as Partial<Record<string, number | string>>;
        const theirs =
          entry.generatedLine === l && entry.originalSource !== undefined
            ? { source: 0, line: entry.originalLine, column: entry.originalColumn }
            : undefined;
        expect(ours.find(l, c)).toEqual(theirs);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(1000);
  });

  it('refuses what is not Base64 VLQ or has 2, 3 or 6 fields', () => {
    expect(() => decodeMappings('AA!A')).toThrow(/bad mapping/);
    expect(() => decodeMappings('AA')).toThrow(/2 fields/);
    expect(() => decodeMappings('AAA')).toThrow(/3 fields/);
    expect(() => decodeMappings('AAAAAA')).toThrow(/more than 5/);
    expect(() => decodeMappings('gggggggA')).toThrow(/bad mapping/);
    expect(() => decodeMappings('AAAAé')).toThrow(/bad mapping/);
  });
});

describe('relativeSources', () => {
  it('drops the folders every source shares', () => {
    expect(
      relativeSources([
        '../../bot/app/tick.ts',
        '../../node_modules/grammy/out/web.mjs',
        '../../functions/tick.ts',
      ]),
    ).toEqual(['bot/app/tick.ts', 'node_modules/grammy/out/web.mjs', 'functions/tick.ts']);
    expect(relativeSources(['../../../work/x/bot/a.ts', '../../../work/x/bot/b/c.ts'])).toEqual([
      'a.ts',
      'b/c.ts',
    ]);
    expect(relativeSources(['a.ts', '../b.ts'])).toEqual(['a.ts', '../b.ts']);
    expect(relativeSources([])).toEqual([]);
  });
});

describe('mapStackTraces, on a minified ES module bundle built as the Lambdas are', () => {
  let dir: string;
  let bundle: string;
  let run: (kind: string) => string;
  // The line and column in src/lib/fail.ts of each `throw`.
  const sources = {
    'src/entry.ts':
      "import { fail } from './lib/fail.js';\nexport const run = (kind: string): never => fail(kind);\n",
    'src/lib/fail.ts': [
      'export class NamedError extends Error {',
      "  override name = 'NamedError';",
      '}',
      'export function fail(kind: string): never {',
      "  if (kind === 'named') throw new NamedError('a named one');",
      '  throw new Error(`boom: ${kind}`);',
      '}',
      '',
    ].join('\n'),
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vicini-stacks-'));
    mkdirSync(join(dir, 'src/lib'), { recursive: true });
    for (const [file, text] of Object.entries(sources)) writeFileSync(join(dir, file), text);
    // Under node_modules, so that vitest leaves it to Node's own loader instead of transforming it.
    bundle = join(dir, 'node_modules/bundle/index.mjs');
    buildSync({
      entryPoints: [join(dir, 'src/entry.ts')],
      bundle: true,
      outfile: bundle,
      format: 'esm',
      platform: 'node',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      logLevel: 'silent',
    });
    ({ run } = (await import(pathToFileURL(bundle).href)) as { run: (kind: string) => string });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The stack of an error thrown in the bundle. */
  function thrown(kind = 'plain'): string {
    try {
      run(kind);
    } catch (err) {
      return (err as Error).stack ?? '';
    }
    return '';
  }

  /**
   * The stack of an error thrown in the bundle, with `install` run first on Node 20's own formatting
   * (no `Error.prepareStackTrace`: vitest's, which maps with source maps, put aside), and vitest's put back after.
   */
  function stackWith(install: () => void, kind = 'plain'): string {
    const before = Error.prepareStackTrace;
    try {
      (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
      install();
      return thrown(kind);
    } finally {
      Error.prepareStackTrace = before;
    }
  }

  /** The first line and the two frames in the bundle. */
  const bundleFrames = (stack: string) => stack.split('\n').slice(0, 3);

  const url = () => pathToFileURL(bundle).href;

  it('shows each frame of the bundle at its TypeScript file, line and column', () => {
    const stack = stackWith(() => mapStackTraces(url()));
    expect(stack.split('\n')[0]).toBe('Error: boom: plain');
    expect(stack).toMatch(/\n {4}at \S+ \(lib\/fail\.ts:6:9\)\n/);
    expect(stack).toMatch(/\n {4}at \S+ \(entry\.ts:2:\d+\)\n/);
    expect(stack).not.toContain('index.mjs');
    // The frames outside the bundle (this test's) are as they were.
    expect(stack).toContain('stack-traces.test.ts');
    expect(stackWith(() => mapStackTraces(url()), 'named')).toMatch(
      /^NamedError: a named one\n {4}at \S+ \(lib\/fail\.ts:5:\d+\)/,
    );
  });

  it('reads the map on the first stack formatted, not when installed, and keeps it', () => {
    const map = join(dir, 'late.map');
    const stacks: string[] = [];
    stackWith(() => {
      mapStackTraces(url(), map);
      // Written after installing: a map read at installation would not be found.
      writeFileSync(map, readFileSync(`${bundle}.map`));
      stacks.push(thrown());
      // Gone after the first stack: the second is mapped from what was read.
      rmSync(map);
      stacks.push(thrown());
    });
    for (const stack of stacks) expect(stack).toMatch(/\(lib\/fail\.ts:6:9\)/);
  });

  it.each([
    ['missing', undefined],
    ['not JSON', '{"version":3,'],
    ['not VLQ', JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AA!A;' })],
    ['without sources', JSON.stringify({ version: 3, names: [], mappings: 'AAAA' })],
    [
      'naming sources it does not list',
      JSON.stringify({ version: 3, sources: [], names: [], mappings: 'AAAA' }),
    ],
  ])('leaves the stack as Node prints it when the map is %s', (_, text) => {
    const map = join(dir, 'broken.map');
    rmSync(map, { force: true });
    if (text !== undefined) writeFileSync(map, text);
    const unmapped = stackWith(() => undefined);
    expect(unmapped).toContain('index.mjs:');
    expect(bundleFrames(stackWith(() => mapStackTraces(url(), map)))).toEqual(bundleFrames(unmapped));
  });

  it('chains to a formatter already set (Node 22 sets its own) for the first line, and for the stack without a map', () => {
    const node22 = (error: Error, frames: NodeJS.CallSite[]) =>
      [
        `${error.name} (as Node formats it): ${error.message}`,
        ...frames.map((f) => `    at ${String(f)}`),
      ].join('\n');
    const mapped = stackWith(() => {
      Error.prepareStackTrace = node22;
      mapStackTraces(url());
    });
    expect(mapped).toMatch(/^Error \(as Node formats it\): boom: plain\n {4}at \S+ \(lib\/fail\.ts:6:9\)/);
    const withoutMap = stackWith(() => {
      Error.prepareStackTrace = node22;
      mapStackTraces(url(), join(dir, 'nowhere.map'));
    });
    expect(bundleFrames(withoutMap)).toEqual(
      bundleFrames(stackWith(() => (Error.prepareStackTrace = node22))),
    );
  });
});

describe('stackFrames', () => {
  it('gives the frames without the message, and never throws', () => {
    const err = new Error('Maria wrote: sto male\nvia Roma 3');
    err.stack = `Error: ${err.message}\n    at f (bot/app/a.ts:1:2)\n    at async bot/app/b.ts:3:4`;
    expect(stackFrames(err)).toEqual(['f (bot/app/a.ts:1:2)', 'async bot/app/b.ts:3:4']);
    expect(stackFrames('a string')).toBeUndefined();
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'stack', {
      get() {
        throw new Error('no');
      },
    });
    expect(stackFrames(hostile)).toBeUndefined();
  });
});
