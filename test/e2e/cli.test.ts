import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localClock } from '../../functions/cli.js';
import { clockFileName } from '../../simulator/env.js';
import { testTable } from '../support/dynamo.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import type { Person as Profile } from '../../bot/domain/person.js';

/** The command-line entry points as a newcomer runs them: what they print when something is missing. */
const dirs: string[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vicini-cli-'));
  dirs.push(dir);
  return dir;
}

/** Runs `tsx <script> ...args` with only the variables given (plus PATH), as on a clean shell. */
function run(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: tempDir(), AWS_EC2_METADATA_DISABLED: 'true', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function listening(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('command-line entry points', () => {
  it('db:init without a database says to start npm start or set DYNAMODB_ENDPOINT, without the SDK notice', async () => {
    const { code, out } = await run('functions/db-init.ts', [], {});
    expect(code).toBe(1);
    expect(out).toContain('No database to talk to');
    expect(out).toContain('DYNAMODB_ENDPOINT');
    expect(out).not.toContain('Could not load credentials');
    expect(out).not.toContain('NodeVersionSupportWarning');
  }, 60_000);

  it('admin with an endpoint where nothing listens asks whether npm start runs', async () => {
    const port = await closedPort();
    const { code, out } = await run('functions/admin.ts', ['invite-mediator', '--zone', 'centro'], {
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
      TELEGRAM_BOT_USERNAME: 'vicini_bot',
    });
    expect(code).toBe(1);
    expect(out).toContain(`Nothing answers at http://127.0.0.1:${port}`);
    expect(out).toContain('LOCAL_DYNAMODB_PORT');
    expect(out).not.toContain('ECONNREFUSED 127');
  }, 60_000);

  it('npm start on a taken DynamoDB port names LOCAL_DYNAMODB_PORT', async () => {
    const port = await listening();
    const { code, out } = await run('functions/local.ts', [], {
      LOCAL_DYNAMODB_PORT: String(port),
      LOCAL_DATA_DIR: tempDir(),
    });
    expect(code).toBe(1);
    expect(out).toContain(`Port ${port} is already in use`);
    expect(out).toContain('set LOCAL_DYNAMODB_PORT to another port');
  }, 60_000);

  it("admin beside a simulator whose clock ran ahead makes an invite that is valid in the simulator's time", async () => {
    const { endpoint, tableName } = await testTable();
    const dataDir = tempDir();
    const real = Date.now();
    // The simulator's page jumped three days ahead; its clock file was saved a minute ago.
    const file = join(dataDir, clockFileName);
    writeFileSync(file, new Date(real + 3 * 86_400_000).toISOString());
    utimesSync(file, new Date(real - 60_000), new Date(real - 60_000));
    const { code, out } = await run(
      'functions/admin.ts',
      ['invite-mediator', '--zone', 'centro', '--hours', '2'],
      {
        DYNAMODB_ENDPOINT: endpoint,
        TABLE_NAME: tableName,
        TELEGRAM_BOT_USERNAME: 'vicini_bot',
        LOCAL_DATA_DIR: dataDir,
      },
    );
    expect(out).toMatch(/https:\/\/t\.me\/vicini_bot\?start=m/);
    expect(code).toBe(0);
    const until = Date.parse(/valid until (\S+):/.exec(out)?.[1] ?? '');
    // Two hours after the simulator's "now" (three days and a minute ahead of real time), not after real time.
    expect(until).toBeGreaterThan(real + 3 * 86_400_000);
    expect(until).toBeLessThan(real + 3 * 86_400_000 + 3 * 3600_000);
  }, 60_000);
});

describe('admin: network-admin and figures-backfill', () => {
  it('grants and takes away the network admin flag by channel, refuses a non-mediator, and backfills the figures twice alike', async () => {
    const { endpoint, tableName, doc } = await testTable();
    const store = new DynamoStore(doc, tableName);
    const at = new Date().toISOString();
    const seed = async (id: string, role: 'mediator' | 'elder', chat: string) => {
      const p: Profile = {
        id,
        lang: 'it',
        createdAt: at,
        channels: [{ channel: 'telegram', id: chat }],
        onboardedAt: at,
        consentAt: at,
        role,
        name: id,
        zoneId: 'nord',
      };
      await store.createPerson(p, p.channels[0]!);
    };
    await seed('giulia', 'mediator', '4242');
    await seed('anna', 'elder', '4343');
    const env = { DYNAMODB_ENDPOINT: endpoint, TABLE_NAME: tableName, LOCAL_DATA_DIR: tempDir() };
    const admin = (...args: string[]) => run('functions/admin.ts', args, env);

    let r = await admin('network-admin', '--telegram', '4242');
    expect(r.out).toContain('The mediator of zone nord is now a network admin.');
    expect(r.code).toBe(0);
    expect((await store.getPerson('giulia'))?.networkAdmin).toBe(true);
    r = await admin('network-admin', '--telegram', '4242');
    expect(r.out).toContain('was a network admin already');
    r = await admin('network-admin', '--telegram', '4242', '--revoke');
    expect(r.out).toContain('is no longer a network admin');
    expect((await store.getPerson('giulia'))?.networkAdmin).toBeUndefined();
    r = await admin('network-admin', '--telegram', '4343');
    expect(r.code).toBe(1);
    expect(r.out).toContain('nobody onboarded as a mediator is reached at telegram 4343');
    r = await admin('network-admin');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Usage: npm run admin');

    const first = await admin('figures-backfill');
    expect(first.code).toBe(0);
    expect(first.out).toContain('zone nord: elder 1, volunteer 0, mediator 1');
    expect(first.out).toContain('network: elder 1, volunteer 0, mediator 1, relative 0');
    const second = await admin('figures-backfill');
    expect(second.out).toBe(first.out);
  }, 120_000);
});

describe('localClock', () => {
  it('is real time without a clock file, and the saved time moved on by the real time since it was saved', async () => {
    const dir = tempDir();
    expect((await localClock(dir, () => 1_000)).now().getTime()).toBe(1_000);
    const file = join(dir, clockFileName);
    const savedAt = Date.parse('2026-12-01T10:00:00Z');
    writeFileSync(file, '2026-12-05T10:00:00.000Z');
    utimesSync(file, new Date(savedAt), new Date(savedAt));
    const clock = await localClock(dir, () => savedAt + 30_000);
    expect(clock.now().toISOString()).toBe('2026-12-05T10:00:30.000Z');
  });
});
