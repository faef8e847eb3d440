import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeMappings } from './source-map.js';

/** A frame's place in the original sources: the file (relative to the sources' common folder), 1-based line and column. */
export interface Origin {
  file: string;
  line: number;
  column: number;
}

/** Finds where a 1-based line and column of the bundle came from; undefined where the map says nothing. */
export type Lookup = (line: number, column: number) => Origin | undefined;

/** The part of V8's CallSite read here. */
type Frame = Pick<NodeJS.CallSite, 'getFileName' | 'getLineNumber' | 'getColumnNumber'>;

/**
 * Reads, parses and decodes a source map once, on the first call: a missing, unreadable or corrupt map gives
 * `undefined`, and is not tried again. Its `sources` are shown relative to the folder they all share
 * (the repository: every source of a bundle is the project's or under its node_modules), so
 * `../../bot/app/tick.ts` reads `bot/app/tick.ts` wherever the bundle was built.
 */
export function lazySourceMap(mapFile: string): () => Lookup | undefined {
  let lookup: Lookup | undefined;
  let tried = false;
  return () => {
    if (tried) return lookup;
    tried = true;
    try {
      const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources?: unknown; mappings?: unknown };
      const { sources, mappings } = payload;
      if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string')) return undefined;
      if (typeof mappings !== 'string') return undefined;
      const map = decodeMappings(mappings);
      const files = relativeSources(sources as string[]);
      lookup = (line, column) => {
        const found = map.find(line - 1, column - 1);
        const file = found && files[found.source];
        return file === undefined ? undefined : { file, line: found!.line + 1, column: found!.column + 1 };
      };
    } catch {
      lookup = undefined;
    }
    return lookup;
  };
}

/** Each source without the leading folders every source shares. */
export function relativeSources(sources: string[]): string[] {
  const dirs = sources.map((s) => s.split('/').slice(0, -1));
  let common = dirs[0]?.length ?? 0;
  for (const dir of dirs) {
    let i = 0;
    while (i < common && dir[i] === dirs[0]![i]) i++;
    common = i;
  }
  return sources.map((s) => s.split('/').slice(common).join('/'));
}

/**
 * The stack V8 would print, with every frame in the bundle (`bundle`: its file URL and path, as an ES
 * module's frames name it by its URL) shown at its place in the original sources:
 * `at fn (bot/app/tick.ts:12:5)` for `at fn (file:///var/task/index.mjs:1:4242)`. A frame the map
 * knows nothing about stays as it is; `head` is the stack's first line (the error's name and message).
 */
export function formatStack(
  head: string,
  frames: readonly Frame[],
  bundle: ReadonlySet<string>,
  lookup: Lookup,
): string {
  const lines = frames.map((frame) => {
    const text = String(frame);
    const file = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!file || !bundle.has(file) || line == null || column == null) return text;
    const origin = lookup(line, column);
    const at = `${file}:${line}:${column}`;
    return origin && text.includes(at)
      ? text.replace(at, `${origin.file}:${origin.line}:${origin.column}`)
      : text;
  });
  return lines.length ? `${head}\n    at ${lines.join('\n    at ')}` : head;
}

/**
 * What Node's `--enable-source-maps` does for the frames of one bundle, without its cost at every
 * cold start: Node with the flag reads and parses the bundle's whole map (about 1 MB) when it loads
 * the bundle, and decodes its mappings on the first stack; this reads, parses and decodes it (with
 * source-map.ts, a few times faster than Node's decoder) only when a stack is first printed
 * (`error.stack` is formatted by V8 when first read, by `Error.prepareStackTrace`), and keeps it.
 * Lambda's runtime prints `error.stack` for an error a handler throws or a failed cold start;
 * Powertools' logger for an error it is given; the channels' log lines of a failed update their
 * frames (`stackFrames`).
 *
 * `bundle` is the bundle's own URL (`import.meta.url` in it), `mapFile` its map's path. Formatting
 * never throws: without a usable map, or if anything else fails, the stack is V8's own (Node's, on
 * Node 22, which sets an `Error.prepareStackTrace` of its own: it formats the first line here too).
 */
export function mapStackTraces(bundle: string, mapFile = `${fileURLToPath(bundle)}.map`): void {
  // Run with `--enable-source-maps` after all, Node maps the stacks itself (the map is already read).
  if (process.sourceMapsEnabled) return;
  const original = Error.prepareStackTrace;
  const load = lazySourceMap(mapFile);
  const files = new Set([bundle, fileURLToPath(bundle)]);
  let busy = false;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (busy) return unmapped(error, frames, original);
    busy = true;
    try {
      const lookup = load();
      if (lookup) return formatStack(firstLine(error, original), frames, files, lookup);
    } catch {
      // The stack as V8 would print it, below.
    } finally {
      busy = false;
    }
    return unmapped(error, frames, original);
  };
}

type Prepare = typeof Error.prepareStackTrace | undefined;

/** The error's first line as Node writes it: Node 22 exposes its own formatter (asked with no frames), Node 20 does not. */
function firstLine(error: Error, original: Prepare): string {
  try {
    if (original) return String(original(error, []));
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

/** The stack as it would be without the map: Node 22's own formatter where there is one, V8's format otherwise. */
function unmapped(error: Error, frames: NodeJS.CallSite[], original: Prepare): string {
  try {
    if (original) return String(original(error, frames));
  } catch {
    // V8's format, below.
  }
  const head = firstLine(error, undefined);
  try {
    return frames.length ? `${head}\n    at ${frames.join('\n    at ')}` : head;
  } catch {
    return head;
  }
}

/**
 * Where an error was thrown, for a log line: its stack's frames (`fn (bot/app/tick.ts:12:5)`, mapped in a
 * bundle), without the stack's first line, the message, which may quote what a person wrote. Never throws.
 */
export function stackFrames(err: unknown): string[] | undefined {
  try {
    if (!(err instanceof Error) || typeof err.stack !== 'string') return undefined;
    return err.stack
      .split('\n')
      .filter((line) => line.startsWith('    at '))
      .map((line) => line.slice('    at '.length));
  } catch {
    return undefined;
  }
}
