import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';

let api: FakeBotApi;
const children: ChildProcess[] = [];
const dataDirs: string[] = [];

/** `npm start` in its own process group (npm, tsx, node and DynamoDB Local's java), with its output collected. */
function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'vicini-start-'));
  dataDirs.push(dataDir);
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    detached: true,
    env: { ...process.env, LOCAL_DATA_DIR: dataDir, LOCAL_DYNAMODB_PORT: '0', ...env },
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  children.push(child);
  return { child, output: () => output };
}

/** Resolves with what `find` returns once it returns something; polls, since another process holds the answer. */
async function eventually<T>(
  what: string,
  find: () => Promise<T | undefined>,
  log: () => string,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = await find().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within 60 s\n--- npm start output ---\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  api = await startFakeBotApi({ botUsername: 'vicini_local_bot' });
});

afterAll(async () => {
  for (const child of children) {
    if (!child.pid || child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The whole process group: npm, tsx, node and the DynamoDB Local java process.
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  await api.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('without a token, runs the chat simulator: the page is served and a demo pane talks to the bot', async () => {
    const { output } = npmStart({ TELEGRAM_BOT_TOKEN: '', SIMULATOR_PORT: '0' });
    const url = await eventually(
      'the simulator URL',
      async () => /http:\/\/127\.0\.0\.1:\d+\//.exec(output())?.[0],
      output,
    );
    expect(output()).toContain('No TELEGRAM_BOT_TOKEN');
    const page = await fetch(url);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Vicini · chat simulator</title>');
    expect((await fetch(`${url}app.js`)).ok).toBe(true);

    // The seeded elder is known: /start from her pane is a welcome back, not an onboarding.
    const sent = await fetch(`${url}sim/panes/elder/text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '/start' }),
    });
    expect(sent.status).toBe(200);
    const welcome = await eventually(
      'the welcome back',
      async () => {
        const state = (await (await fetch(`${url}sim/state`)).json()) as {
          panes: { id: string; messages: { text?: string }[]; keyboard: unknown }[];
        };
        const elder = state.panes.find((p) => p.id === 'elder');
        // The greeting and the menu are one message, with the big buttons.
        return elder?.messages.find((m) => m.text?.startsWith('Che piacere rivederti, Nonna Demo!\n\n')) &&
          elder.keyboard
          ? elder
          : undefined;
      },
      output,
    );
    expect(JSON.stringify(welcome.keyboard)).toContain('Ho bisogno di aiuto');
  }, 90_000);

  it('with a token and a loopback Bot API, long-polls and answers /start', async () => {
    // Queued before the bot polls: its first getUpdates returns it.
    api.pushUpdate(api.userSends({ id: 777, first_name: 'Nonna', language_code: 'it' }, '/start'));
    const { output } = npmStart({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    const asked = (text: unknown) => /In che lingua/.test(String(text));
    await api
      .waitFor(
        (c) => c.method === 'sendMessage' && c.params.chat_id === 777 && asked(c.params.text),
        45_000,
        0,
      )
      .catch((err: Error) => {
        throw new Error(`${err.message}\n--- npm start output ---\n${output()}`);
      });
    expect((api.commands('it') ?? []).map((c) => c.command)).toContain('forget');
    expect((api.commands('en') ?? []).find((c) => c.command === 'forget')?.description).toBe('Erase my data');
    expect(output()).toContain('@vicini_local_bot');
  }, 90_000);
});
