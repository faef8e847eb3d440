import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';

let api: FakeBotApi;
let child: ChildProcess | undefined;
let output = '';
const dataDir = mkdtempSync(join(tmpdir(), 'vicini-start-'));

beforeAll(async () => {
  api = await startFakeBotApi({ botUsername: 'vicini_local_bot' });
});

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    // The whole process group: npm, tsx, node and the DynamoDB Local java process.
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('without a token, says exactly what to set', async () => {
    const run = spawn('npm', ['start', '--silent'], { env: { ...process.env, TELEGRAM_BOT_TOKEN: '' } });
    let err = '';
    run.stderr.on('data', (d) => (err += String(d)));
    const code = await new Promise((resolve) => run.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('TELEGRAM_BOT_TOKEN=');
  });

  it('with a token and a loopback Bot API, long-polls and answers /start', async () => {
    // Queued before the bot polls: its first getUpdates returns it.
    api.pushUpdate(api.userSends({ id: 777, first_name: 'Nonna', language_code: 'it' }, '/start'));
    child = spawn('npm', ['start', '--silent'], {
      detached: true,
      env: {
        ...process.env,
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.apiRoot,
        LOCAL_DATA_DIR: dataDir,
        LOCAL_DYNAMODB_PORT: '0',
      },
    });
    child.stdout!.on('data', (d) => (output += String(d)));
    child.stderr!.on('data', (d) => (output += String(d)));
    const asked = (text: unknown) => /In che lingua/.test(String(text));
    await api
      .waitFor(
        (c) => c.method === 'sendMessage' && c.params.chat_id === 777 && asked(c.params.text),
        45_000,
        0,
      )
      .catch((err: Error) => {
        throw new Error(`${err.message}\n--- npm start output ---\n${output}`);
      });
    expect((api.commands('it') ?? []).map((c) => c.command)).toContain('forget');
    expect((api.commands('en') ?? []).find((c) => c.command === 'forget')?.description).toBe('Erase my data');
    expect(output).toContain('@vicini_local_bot');
  }, 90_000);
});
