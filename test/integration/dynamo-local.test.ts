import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../bot/adapters/store/client.js';
import { startDynamoLocal, type DynamoLocal } from '../../bot/adapters/store/dynamo-local.js';
import { initTable } from '../../bot/adapters/store/init-table.js';

describe('startDynamoLocal', () => {
  const started: DynamoLocal[] = [];
  let dataDir: string | undefined;
  afterAll(async () => {
    await Promise.all(started.map((instance) => instance.stop()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps data in dataDir across a stop and a start', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vicini-ddb-'));
    const key = { PK: 'ELDER#1', SK: 'PROFILE' };

    const first = await startDynamoLocal({ dataDir });
    started.push(first);
    const doc1 = createDocumentClient({ region: 'eu-south-1', endpoint: first.endpoint });
    expect(await initTable(doc1, 'vicini')).toBe('created');
    await doc1.send(new PutCommand({ TableName: 'vicini', Item: { ...key, name: 'Ada', note: undefined } }));
    doc1.destroy();
    await first.stop();

    const second = await startDynamoLocal({ dataDir });
    started.push(second);
    const doc2 = createDocumentClient({ region: 'eu-south-1', endpoint: second.endpoint });
    expect(await initTable(doc2, 'vicini')).toBe('exists');
    const { Item } = await doc2.send(new GetCommand({ TableName: 'vicini', Key: key }));
    doc2.destroy();
    expect(Item).toEqual({ ...key, name: 'Ada' });
    // Two JVM starts: generous when the machine is busy (a limit, not a measured time).
  }, 120_000);

  const withPath = async (path: string, run: () => Promise<void>) => {
    const saved = process.env.PATH;
    process.env.PATH = path;
    try {
      await run();
    } finally {
      process.env.PATH = saved;
    }
  };

  it('fails clearly when java is missing', async () => {
    await withPath(join(tmpdir(), 'no-java-here'), () =>
      expect(startDynamoLocal({})).rejects.toThrow(
        'Java 17+ is needed: apt-get install openjdk-17-jre-headless',
      ),
    );
  });

  it("reports java's stderr when it exits before answering", async () => {
    const bin = await mkdtemp(join(tmpdir(), 'vicini-fake-java-'));
    try {
      await writeFile(join(bin, 'java'), '#!/bin/sh\necho "Address already in use" >&2\nexit 3\n');
      await chmod(join(bin, 'java'), 0o755);
      await withPath(bin, () =>
        expect(startDynamoLocal({})).rejects.toThrow(/exited \(code 3.*Address already in use/),
      );
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
