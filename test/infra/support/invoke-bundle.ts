import { spawn } from 'node:child_process';

export interface Invocation {
  /** What the handler returned, or for a streamed one what it wrote (undefined if it threw). */
  result: unknown;
  /** A streamed handler (RESPONSE_STREAM): whether its response was complete before the handler returned. */
  answeredBeforeReturn?: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

// Imports the bundle as Lambda's runtime would (an ES module from the task folder), with the global
// `awslambda` its Node.js runtime provides (the streaming marker, and HttpResponseStream.from keeping
// the prelude), and calls its handler once; a streamed one with a stream that collects the body.
const script = `
const { pathToFileURL } = await import('node:url');
const { Writable } = await import('node:stream');
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
globalThis.awslambda = {
  streamifyResponse: (handler) => Object.assign(handler, { [STREAMING]: 'response' }),
  HttpResponseStream: { from: (stream, prelude) => Object.assign(stream, { prelude }) },
};
const { handler } = await import(pathToFileURL(process.cwd() + '/index.mjs').href);
const event = JSON.parse(process.env.VICINI_TEST_EVENT);
let result;
let answeredBeforeReturn;
if (handler[STREAMING] === 'response') {
  const chunks = [];
  let finished = false;
  const stream = new Writable({ write(chunk, _e, done) { chunks.push(Buffer.from(chunk)); done(); } });
  stream.on('finish', () => { finished = true; });
  await handler(event, stream, {});
  answeredBeforeReturn = finished;
  await new Promise((resolve) => (stream.writableFinished ? resolve() : stream.on('finish', resolve)));
  result = { statusCode: stream.prelude?.statusCode, body: Buffer.concat(chunks).toString('utf8') };
} else {
  result = await handler(event);
}
process.stdout.write('\\nRESULT ' + JSON.stringify({ result: result ?? null, answeredBeforeReturn }) + '\\n', () => process.exit(0));
`;

/**
 * Runs a bundle's handler with `event` in a fresh Node process whose working
 * directory is the bundle's folder and whose environment is only `env` (plus
 * PATH): nothing from this repository's node_modules can be reached. Node runs
 * with the options Lambda gives it (none: no `--enable-source-maps`), plus `nodeArgs`.
 */
export function invokeBundle(
  dir: string,
  event: unknown,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Invocation> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env, VICINI_TEST_EVENT: JSON.stringify(event) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      const got = line
        ? (JSON.parse(line.slice('RESULT '.length)) as { result: unknown; answeredBeforeReturn?: boolean })
        : undefined;
      resolve({
        result: got?.result ?? undefined,
        ...(got?.answeredBeforeReturn === undefined
          ? {}
          : { answeredBeforeReturn: got.answeredBeforeReturn }),
        code,
        stdout,
        stderr,
      });
    });
  });
}
