import { spawn } from 'node:child_process';

export interface Invocation {
  /** What the handler returned (undefined if it threw). */
  result: unknown;
  code: number | null;
  stdout: string;
  stderr: string;
}

// Imports the bundle as Lambda's runtime would (an ES module from the task folder) and calls its handler once.
const script = `
const { pathToFileURL } = await import('node:url');
const { handler } = await import(pathToFileURL(process.cwd() + '/index.mjs').href);
const result = await handler(JSON.parse(process.env.VICINI_TEST_EVENT));
process.stdout.write('\\nRESULT ' + JSON.stringify(result ?? null) + '\\n', () => process.exit(0));
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
      resolve({ result: line ? JSON.parse(line.slice('RESULT '.length)) : undefined, code, stdout, stderr });
    });
  });
}
