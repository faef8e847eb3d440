/** Where a position of the generated file came from: an index into the map's `sources`, 0-based line and column. */
export interface Mapped {
  source: number;
  line: number;
  column: number;
}

/** A source map's `mappings`, decoded: find the original position of a 0-based generated line and column. */
export interface DecodedMappings {
  find(line: number, column: number): Mapped | undefined;
}

const base64 = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries())
  base64[c.charCodeAt(0)] = i;

/**
 * Decodes a source map v3 `mappings` string (Base64 VLQ segments, `,` between segments, `;` between
 * generated lines) in one pass into typed arrays, then answers each position with a binary search.
 * Node's own `SourceMap` (node:module) does the same but builds an array per segment: about 100 ms
 * for a bundle's 1 MB map against about 25 here, paid on the first stack printed. Throws on what is
 * not VLQ.
 */
export function decodeMappings(mappings: string): DecodedMappings {
  let segments = 1;
  let lines = 1;
  for (let i = 0; i < mappings.length; i++) {
    const c = mappings.charCodeAt(i);
    if (c === 44 || c === 59) segments++;
    if (c === 59) lines++;
  }
  // Per segment: generated column, source (-1: none), original line, original column.
  const data = new Int32Array(segments * 4);
  // The first segment of each generated line, and one past the last line's last.
  const starts = new Int32Array(lines + 1);
  // The running values of the five fields (generated column, source, original line and column, name).
  const state = new Int32Array(5);
  let n = 0;
  let line = 0;
  let i = 0;
  while (i < mappings.length) {
    let c = mappings.charCodeAt(i);
    if (c === 59) {
      starts[++line] = n;
      state[0] = 0;
      i++;
      continue;
    }
    if (c === 44) {
      i++;
      continue;
    }
    let field = 0;
    while (i < mappings.length && (c = mappings.charCodeAt(i)) !== 44 && c !== 59) {
      if (field === 5) throw new Error(`source map: a segment of more than 5 fields at ${i}`);
      let value = 0;
      let shift = 0;
      let digit: number;
      do {
        c = mappings.charCodeAt(i++);
        digit = c < 128 ? base64[c]! : -1;
        if (digit < 0 || shift > 25) throw new Error(`source map: bad mapping at ${i - 1}`);
        value |= (digit & 31) << shift;
        shift += 5;
      } while (digit & 32);
      state[field++]! += value & 1 ? -(value >>> 1) : value >>> 1;
    }
    if (field !== 1 && field < 4) throw new Error(`source map: a segment of ${field} fields at ${i}`);
    const at = n * 4;
    data[at] = state[0]!;
    data[at + 1] = field === 1 ? -1 : state[1]!;
    data[at + 2] = state[2]!;
    data[at + 3] = state[3]!;
    n++;
  }
  starts.fill(n, line + 1);
  return {
    find(genLine, genColumn) {
      if (!(genLine >= 0 && genLine < lines)) return undefined;
      let lo = starts[genLine]!;
      let hi = starts[genLine + 1]! - 1;
      // The last segment of the line that starts at or before the column.
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (data[mid * 4]! <= genColumn) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0 || data[found * 4 + 1]! < 0) return undefined;
      return { source: data[found * 4 + 1]!, line: data[found * 4 + 2]!, column: data[found * 4 + 3]! };
    },
  };
}
