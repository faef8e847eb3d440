import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../bot/core/ports.js';
import { PortInUseError } from '../bot/adapters/store/dynamo-local.js';
import { clockFileName } from '../simulator/env.js';

/**
 * What the command-line entry points share: no AWS SDK notice about Node
 * versions on every run, and errors said in words a newcomer can act on.
 */
export function quietSdkNotice(): void {
  // The SDK reads this when it builds a client; Lambda runs Node 22, where the notice never appears.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

function codeOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const own = (err as NodeJS.ErrnoException).code;
  if (own) return own;
  const cause = (err as Error & { cause?: unknown }).cause;
  if (cause) return codeOf(cause);
  const nested = (err as Error & { errors?: unknown[] }).errors;
  return nested?.map(codeOf).find(Boolean);
}

/** A one-paragraph explanation of an error from a command that talks to DynamoDB. */
export function explain(err: unknown, where: { endpoint?: string; table?: string } = {}): string {
  if (!(err instanceof Error)) return String(err);
  const start =
    'Start `npm start` and use the DynamoDB endpoint it prints, e.g. `DYNAMODB_ENDPOINT=http://127.0.0.1:8000`';
  if (err.name === 'CredentialsProviderError' || /Could not load credentials/.test(err.message)) {
    return [
      'No database to talk to: DYNAMODB_ENDPOINT is not set, so this command looked for AWS credentials and found none.',
      `${start}; or, for AWS, give credentials (e.g. AWS_PROFILE) and AWS_REGION.`,
    ].join('\n');
  }
  const code = codeOf(err);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return [
      `Nothing answers at ${where.endpoint ?? 'the DynamoDB endpoint'} (${code}).`,
      'Is `npm start` running? It prints the endpoint of its DynamoDB Local (port LOCAL_DYNAMODB_PORT, 8000',
      'by default): give that as DYNAMODB_ENDPOINT.',
    ].join('\n');
  }
  if (err.name === 'ResourceNotFoundException') {
    return `The table ${where.table ?? ''} does not exist there: run \`npm run db:init\` (npm start creates it by itself).`;
  }
  if (err instanceof PortInUseError) {
    return `${err.message}: set LOCAL_DYNAMODB_PORT to another port (0: any free port), or stop what uses it.`;
  }
  return err.message;
}

/**
 * The clock for a command run beside `npm start`'s simulator: the simulator's
 * time may be ahead of real time (the page jumps it forward), and an invite
 * made with real time would already be expired there. Its clock file says
 * what the time was at its last save; the simulator moves on in real time since.
 */
export async function localClock(dataDir: string, real: () => number = Date.now): Promise<Clock> {
  const file = join(dataDir, clockFileName);
  const saved = await readFile(file, 'utf8').catch(() => '');
  const savedMs = Date.parse(saved.trim());
  if (!Number.isFinite(savedMs)) return { now: () => new Date(real()) };
  const savedAt = (await stat(file)).mtimeMs;
  const offset = Math.max(0, savedMs - savedAt);
  return { now: () => new Date(real() + offset) };
}
