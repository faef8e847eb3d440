/** The network file on disk: read, validated, with every problem named. */
import { readFileSync } from 'node:fs';
import { networkSchema, type Network } from '../domain/network.js';

export class NetworkFileError extends Error {
  override name = 'NetworkFileError';
}

/** Validates a parsed network file; the error lists every problem with its path. */
export function parseNetwork(raw: unknown, source = 'network file'): Network {
  const result = networkSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new NetworkFileError(`${source} is not valid:\n${problems.join('\n')}`);
  }
  return result.data;
}

export function loadNetworkFile(path: string): Network {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new NetworkFileError(`cannot read network file ${path}: ${(err as Error).message}`);
  }
  return parseNetwork(raw, path);
}
