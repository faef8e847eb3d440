import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FunctionName } from '../../infra/vicini-stack.js';
import { synthBundles } from '../../infra/synth-bundles.js';
import { createDocumentClient } from '../../bot/adapters/store/client.js';
import { DynamoTimers } from '../../bot/adapters/store/dynamo-timers.js';
import { initTable } from '../../bot/adapters/store/init-table.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { testRegion, uniqueTableName } from '../support/dynamo.js';
import { chatOf, elder, okSendsByChat, seedElders } from '../support/seed.js';
import { batchWriteAll } from '../../bot/adapters/store/batch.js';
import { personItem } from '../../bot/adapters/store/dynamo-store.js';
import { keys } from '../../bot/adapters/store/keys.js';
import { startFakeAws, type FakeAws, type QueuedMessage } from './support/fake-aws.js';
import { invokeBundle } from './support/invoke-bundle.js';
import { startFakeLambda, type FakeLambda } from './support/fake-lambda.js';
import { langs } from '../../bot/core/i18n.js';
import { templateDefinitions } from '../../bot/adapters/channels/whatsapp/templates.js';
import { sign, whatsapp } from '../support/channels.js';
import { startFakeGraphApi, type FakeGraphApi } from '../support/fake-graph-api.js';

const botUsername = 'vicini_bundle_bot';
const webhookSecret = 'bundle-webhook-secret-0123456789abcdef';
const arn = (name: string) => `arn:aws:secretsmanager:${testRegion}:000000000000:secret:${name}-AbCdEf`;

let out: string;
let dirs: Record<FunctionName, string>;
let api: FakeBotApi;
let graph: FakeGraphApi & { close(): Promise<void> };
let aws: FakeAws;
let lambdaApi: FakeLambda;
let table: string;
let endpoint: string;

/** A Function URL event (payload 2.0) as Lambda delivers it, recorded, carrying a Telegram update. */
function functionUrlEvent(update: unknown, token = webhookSecret) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      host: 'abc123.lambda-url.eu-south-1.on.aws',
      'x-telegram-bot-api-secret-token': token,
      'x-forwarded-for': '91.108.6.1',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.eu-south-1.on.aws',
      domainPrefix: 'abc123',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '91.108.6.1', userAgent: '' },
      requestId: 'b3e4c7f0-0000-4000-8000-000000000001',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:08:00:00 +0000',
      timeEpoch: 1795420800000,
    },
    body: JSON.stringify(update),
    isBase64Encoded: false,
  };
}

/** The input EventBridge Scheduler sends the tick: the stack's `{ "time": "<aws.scheduler.scheduled-time>" }`. */
const schedulerEvent = (time: string) => ({ time });

/** An SQS event for the outbox sender, as the event source mapping builds it from queued messages. */
function sqsEvent(messages: QueuedMessage[]) {
  return {
    Records: messages.map((m, i) => ({
      messageId: m.messageId,
      receiptHandle: `handle-${i}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1795420800000',
        SenderId: 'AROAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1795420800001',
        SequenceNumber: String(18_000_000_000_000_000_000 + i),
        ...m.attributes,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${testRegion}:000000000000:vicini-outbox.fifo`,
      awsRegion: testRegion,
    })),
  };
}

/** What Lambda and the stack would set, with the AWS endpoints pointed at the loopback fakes. */
function lambdaEnv(name: FunctionName, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: `Vicini-${name}`,
    AWS_REGION: testRegion,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: aws.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambdaApi.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: table,
    DYNAMODB_ENDPOINT: endpoint,
    NETWORK_FILE: 'network/brescia.json',
    OUTBOX_QUEUE_URL: aws.queueUrl,
    TELEGRAM_API_ROOT: api.apiRoot,
    TELEGRAM_BOT_USERNAME: botUsername,
    TELEGRAM_SECRETS_ARN: arn('TelegramSecrets'),
    POWERTOOLS_SERVICE_NAME: name,
    ...extra,
  };
}

/**
 * A function's environment with its secret read from a local file (the switch the loader requires in
 * Lambda), not Secrets Manager: the token from the fake Bot API.
 */
function localSecretsEnv(name: FunctionName, extra: Record<string, string> = {}): Record<string, string> {
  const secretsFile = join(out, 'secrets-local.json');
  writeFileSync(secretsFile, JSON.stringify({ TELEGRAM_BOT_TOKEN: api.token }));
  const env = lambdaEnv(name, { VICINI_LOCAL_SECRETS: '1', VICINI_SECRETS_FILE: secretsFile, ...extra });
  delete env.TELEGRAM_SECRETS_ARN;
  return env;
}

const tickEnv = (extra: Record<string, string> = {}) => localSecretsEnv('tick', extra);

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'vicini-bundles-'));
  dirs = synthBundles(out);
  api = await startFakeBotApi({ botUsername });
  graph = await startFakeGraphApi({ ...whatsapp, templates: templateDefinitions(), now: () => Date.now() });
  aws = await startFakeAws();
  lambdaApi = await startFakeLambda();
  aws.secrets.set(
    arn('WhatsAppCredentials'),
    JSON.stringify({
      WHATSAPP_ACCESS_TOKEN: whatsapp.accessToken,
      WHATSAPP_APP_SECRET: whatsapp.appSecret,
      WHATSAPP_VERIFY_TOKEN: whatsapp.verifyToken,
    }),
  );
  aws.secrets.set(
    arn('TelegramSecrets'),
    JSON.stringify({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_WEBHOOK_SECRET: webhookSecret }),
  );
  endpoint = inject('dynamoEndpoint');
  table = uniqueTableName();
  await initTable(createDocumentClient({ region: testRegion, endpoint }), table);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await graph?.close();
  await aws?.close();
  await lambdaApi?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('the esbuild bundles, each in a fresh Node process', () => {
  it('are self-contained: an ES module, its source map and the network file, nothing to resolve outside', () => {
    for (const dir of Object.values(dirs)) {
      expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      expect(existsSync(join(dir, 'network/brescia.json'))).toBe(true);
      for (const lang of langs) expect(existsSync(join(dir, `locales/${lang}/translation.json`))).toBe(true);
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    }
    // No node_modules on the way up either, so a missing dependency cannot be found by accident.
    expect(existsSync(join(out, 'node_modules')) || existsSync(join(tmpdir(), 'node_modules'))).toBe(false);
  });

  it('leave out what Lambda never runs; the locales are files beside the bundle, not code in it', () => {
    for (const [name, dir] of Object.entries(dirs)) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      // zod's error messages in its 40-odd other languages (here Dutch): the bot's schemas use English only.
      expect(code).not.toContain('Ongeldige invoer');
      // The SDK's credential chain past the environment (SSO, web identity, credential_process).
      expect(code).not.toMatch(/sso_start_url|AWS_WEB_IDENTITY_TOKEN_FILE|credential_process/);
      // The SDK's event streams, which no operation the bot calls uses (infra/shims/event-streams.ts).
      expect(code).not.toContain('Truncated event message received');
      expect(code).toContain('infra/shims/event-streams.ts');
      // The texts are read from locales/ beside the bundle; the bundle's own code has none of them.
      expect(code).not.toContain('Українська');
      expect(code).not.toContain('In che lingua');
      expect(readFileSync(join(dir, 'locales/uk/translation.json'), 'utf8')).toContain('Українська');
      // grammY's web build on Node's own fetch: no node-fetch, no debug.
      expect(code).not.toMatch(/node-fetch|DEBUG_COLORS/);
      // Minified without keepNames: the error classes name themselves (test/unit/store-errors.test.ts).
      expect(code).not.toMatch(/__name\(/);
      // The tick carries the Lambda client besides (about 90 KB: its schemas and error classes) to
      // invoke its worker; it runs on a schedule, and stays warm, so nobody waits on its cold start.
      expect(code.length).toBeLessThan((name === 'tick' ? 800 : 750) * 1024);
    }
    // The tick and the sender handle no update: the conversation's dispatcher (here its /mydata command)
    // is in the webhooks' bundles only (bot/main/runtime-core.ts; the webhooks add `withUpdates`).
    const bundleCode = (name: FunctionName) => readFileSync(join(dirs[name], 'index.mjs'), 'utf8');
    for (const name of ['tick', 'tickWorker', 'outboxSender'] as const)
      expect(bundleCode(name)).not.toContain('"mydata"');
    for (const name of ['telegramWebhook', 'whatsappWebhook'] as const)
      expect(bundleCode(name)).toContain('"mydata"');
  });

  it('webhook: answers /start from a Function URL event, secrets read from Secrets Manager', async () => {
    const update = api.userSends({ id: 7301, first_name: 'Anna', language_code: 'it' }, '/start');
    const env = lambdaEnv('telegramWebhook');
    const run = await invokeBundle(dirs.telegramWebhook, functionUrlEvent(update), env);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.result).toEqual({ statusCode: 200, body: 'ok' });
    // A streamed response (RESPONSE_STREAM): complete before the handler went on to its records.
    expect(run.answeredBeforeReturn).toBe(true);
    expect(api.callsTo('getMe')).toEqual([]);
    // One Secrets Manager call: the token and the webhook secret are one secret.
    expect(aws.calls.filter((c) => c === 'secretsmanager.GetSecretValue')).toHaveLength(1);
    expect(run.stdout).toContain('"UpdatesHandled":1');
    // The turn committed and the webhook answered her itself: nothing for the SQS outbox.
    expect(api.messages(7301).at(-1)?.text).toMatch(/In che lingua/);
    expect(aws.take()).toEqual([]);
  });

  it('webhook: /figures draws the chart inside the bundle (WebAssembly and font copied beside it)', async () => {
    for (const dir of [dirs.telegramWebhook, dirs.whatsappWebhook, dirs.tick, dirs.tickWorker]) {
      expect(existsSync(join(dir, 'resvg.wasm'))).toBe(true);
      expect(existsSync(join(dir, 'DejaVuSans.ttf'))).toBe(true);
    }
    // The sender sends the PNG it is handed: 3.2 MB less to load on its cold start.
    expect(existsSync(join(dirs.outboxSender, 'resvg.wasm'))).toBe(false);
    expect(existsSync(join(dirs.outboxSender, 'DejaVuSans.ttf'))).toBe(false);
    const doc = createDocumentClient({ region: testRegion, endpoint });
    const mediator = {
      ...elder(7303, 'm'),
      role: 'mediator' as const,
      name: 'Giulia',
      channels: [{ channel: 'telegram' as const, id: '7303' }],
    };
    delete (mediator as { checkInTime?: string }).checkInTime;
    await batchWriteAll(doc, table, [
      { PutRequest: { Item: personItem(mediator) } },
      {
        PutRequest: {
          Item: { ...keys.identity(mediator.channels[0]!), entity: 'identity', personId: mediator.id },
        },
      },
    ]);
    const update = api.userSends({ id: 7303, first_name: 'Giulia', language_code: 'it' }, '/figures');
    const env = lambdaEnv('telegramWebhook');
    const run = await invokeBundle(dirs.telegramWebhook, functionUrlEvent(update), env);
    expect(run.result).toEqual({ statusCode: 200, body: 'ok' });
    expect(run.stdout + run.stderr).not.toMatch(/charts unavailable/);
    // Her answer: the webhook sends the chart itself.
    expect(aws.take()).toEqual([]);
    expect(api.callsTo('sendPhoto').filter((c) => String(c.params.chat_id) === '7303')).toHaveLength(1);
  });

  it('webhook: refuses a wrong secret header with 401', async () => {
    const update = api.userSends({ id: 7302, first_name: 'Bo' }, '/start');
    const env = lambdaEnv('telegramWebhook');
    const run = await invokeBundle(
      dirs.telegramWebhook,
      functionUrlEvent(update, 'wrong-secret-0000000000'),
      env,
    );
    expect(run.result).toEqual({ statusCode: 401, body: 'unauthorized' });
    expect(api.messages(7302)).toEqual([]);
  });

  it('tick → SQS outbox → sender: a due check-in is queued by the tick and delivered once by the sender', async () => {
    const doc = createDocumentClient({ region: testRegion, endpoint });
    const due = '2026-11-23T08:00:00.000Z'; // a Monday, 09:00 in Rome
    const elders = await seedElders(doc, table, 0, 3, due, 'b');
    // As if the tick had run a minute ago: it reads this hour only, not the 48 hours a first run catches up.
    await new DynamoTimers(doc, table).advanceCursor('2026-11-23T07:59:00.000Z');
    aws.take();

    // The tick reads its one secret from a local file here, with its worker function, as the stack
    // sets it: three due is a light minute, fired by this run.
    lambdaApi.calls.length = 0;
    const tick = await invokeBundle(
      dirs.tick,
      schedulerEvent('2026-11-23T08:00:00Z'),
      tickEnv({ TICK_WORKER_FUNCTION: 'Vicini-TickWorker' }),
    );
    expect(tick.stderr).not.toMatch(/Error/);
    expect(tick.result).toMatchObject({ fired: 3, waiting: 0, cursor: due, heavy: false, handedOut: 0 });
    expect(tick.stdout).toMatch(/"TickLagSeconds":0/);

    // Nothing was sent by the tick itself: the prompts wait in the queue, one message group per chat;
    // and no worker was invoked.
    expect(okSendsByChat(api, /Come stai/).size).toBe(0);
    expect(lambdaApi.calls).toEqual([]);
    const queued = aws.take();
    expect(queued).toHaveLength(3);
    expect(queued.map((m) => m.attributes.MessageGroupId).sort()).toEqual(
      elders.map((_, i) => `telegram:${chatOf(i)}`).sort(),
    );
    for (const m of queued) expect(m.attributes.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);

    const send = await invokeBundle(dirs.outboxSender, sqsEvent(queued), lambdaEnv('outboxSender'));
    expect(send.stderr).not.toMatch(/Error/);
    expect(send.result).toEqual({ batchItemFailures: [] });
    const sent = okSendsByChat(api, /Come stai/);
    expect([...sent.keys()].sort()).toEqual(elders.map((_, i) => chatOf(i)).sort());
    expect([...sent.values()]).toEqual([1, 1, 1]);

    // SQS delivers at least once: the same records again send nothing more.
    const again = await invokeBundle(dirs.outboxSender, sqsEvent(queued), lambdaEnv('outboxSender'));
    expect(again.result).toEqual({ batchItemFailures: [] });
    expect([...okSendsByChat(api, /Come stai/).values()]).toEqual([1, 1, 1]);
  });

  it('tick → worker: a heavy minute is one asynchronous Invoke per group, each fired by the worker bundle once', async () => {
    const doc = createDocumentClient({ region: testRegion, endpoint });
    const due = '2026-11-30T08:00:00.000Z'; // the next Monday, 09:00 in Rome
    const elders = await seedElders(doc, table, 100, 6, due, 'w');
    await new DynamoTimers(doc, table).advanceCursor('2026-11-30T07:59:00.000Z');
    aws.take();
    lambdaApi.calls.length = 0;
    const tick = await invokeBundle(
      dirs.tick,
      schedulerEvent('2026-11-30T08:00:00Z'),
      tickEnv({ TICK_GROUPS: '4', TICK_WORKER_FUNCTION: 'Vicini-TickWorker', TICK_FAN_OUT_ABOVE: '2' }),
    );
    expect(tick.stderr).not.toMatch(/Error/);
    expect(tick.result).toMatchObject({ fired: 0, heavy: true, handedOut: 4 });
    expect(aws.take()).toEqual([]);
    // Signed Invoke requests of type Event to the worker function, one per group.
    expect(lambdaApi.calls.map((c) => [c.functionName, c.invocationType, c.signed])).toEqual(
      Array(4).fill(['Vicini-TickWorker', 'Event', true]),
    );
    expect(lambdaApi.calls.map((c) => c.payload)).toEqual(
      expect.arrayContaining([0, 1, 2, 3].map((group) => ({ time: '2026-11-30T08:00:00.000Z', group }))),
    );

    // Each as Lambda hands it to the worker, in a process of its own; a repeat (Lambda may run an
    // event twice) fires nothing more.
    const workerEnv = localSecretsEnv('tickWorker', { TICK_GROUPS: '4' });
    const events = lambdaApi.calls.map((c) => c.payload);
    for (const event of [...events, events[0]]) {
      const run = await invokeBundle(dirs.tickWorker, event, workerEnv);
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.code).toBe(0);
    }
    const queued = aws.take();
    expect(queued.map((m) => m.attributes.MessageGroupId).sort()).toEqual(
      elders.map((_, i) => `telegram:${chatOf(100 + i)}`).sort(),
    );
    // An event that is not tick work fails the worker (Lambda then runs it again, and keeps it).
    const bad = await invokeBundle(dirs.tickWorker, { group: 'x' }, workerEnv);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('NotTickWorkError');
  });

  it('only the tick carries the Lambda client; the worker, invoked, never invokes', () => {
    const code = (name: FunctionName) => readFileSync(join(dirs[name], 'index.mjs'), 'utf8');
    expect(code('tick')).toContain('/2015-03-31/functions/');
    for (const name of ['telegramWebhook', 'whatsappWebhook', 'tickWorker', 'outboxSender'] as const)
      expect(code(name)).not.toContain('/2015-03-31/functions/');
  });

  it('WhatsApp webhook → Graph API, and SQS outbox → sender → Graph API, credentials from Secrets Manager', async () => {
    const waEnv = (name: FunctionName) =>
      lambdaEnv(name, {
        WHATSAPP_SECRETS_ARN: arn('WhatsAppCredentials'),
        WHATSAPP_PHONE_NUMBER_ID: whatsapp.phoneNumberId,
        WHATSAPP_BUSINESS_NUMBER: whatsapp.businessNumber,
        WHATSAPP_API_ROOT: graph.apiRoot,
      });
    const user = { number: '393337300001', name: 'Anna' };
    const body = JSON.stringify(graph.userSends(user, '/start'));
    const post = (signature?: string) => ({
      ...functionUrlEvent({}),
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      },
      body,
    });
    const unsigned = await invokeBundle(dirs.whatsappWebhook, post(), waEnv('whatsappWebhook'));
    expect(unsigned.result).toEqual({ statusCode: 401, body: 'unauthorized' });
    const run = await invokeBundle(dirs.whatsappWebhook, post(sign(body)), waEnv('whatsappWebhook'));
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.result).toEqual({ statusCode: 200, body: 'ok' });
    // As on Telegram: the turn committed and the webhook answered her itself, nothing queued.
    expect(graph.messages(user.number).at(-1)?.text).toMatch(/In che lingua/);
    expect(aws.take()).toEqual([]);

    // A message for her through the queue: the sender Lambda sends it on WhatsApp, inside her window.
    const message = {
      id: 'bundle-wa-1',
      to: { channel: 'whatsapp', id: user.number },
      personId: 'p-anna',
      lang: 'it',
      replies: [{ text: 'elder.fineThanks' }],
    };
    const record: QueuedMessage = {
      messageId: 'wa-1',
      body: JSON.stringify(message),
      attributes: { MessageGroupId: `whatsapp:${user.number}` },
    };
    const send = await invokeBundle(dirs.outboxSender, sqsEvent([record]), waEnv('outboxSender'));
    expect(send.stderr).not.toMatch(/Error/);
    expect(send.result).toEqual({ batchItemFailures: [] });
    expect(graph.messages(user.number).at(-1)?.text).toMatch(/Che bello, grazie/);
    expect(graph.refused()).toEqual([]);
  });

  it('sender: a record that is not an outbound message is a batch item failure (and so, in time, the DLQ)', async () => {
    const bad: QueuedMessage = {
      messageId: 'bad-1',
      body: '{"not":"a message"}',
      attributes: { MessageGroupId: 'x' },
    };
    const run = await invokeBundle(dirs.outboxSender, sqsEvent([bad]), lambdaEnv('outboxSender'));
    expect(run.result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }] });
  });

  it('in Lambda, a secret in a plain environment variable is refused without the switch, and never printed', async () => {
    const env = lambdaEnv('tick', { TELEGRAM_BOT_TOKEN: api.token });
    const run = await invokeBundle(dirs.tick, schedulerEvent('2026-11-23T08:01:00Z'), env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('TELEGRAM_BOT_TOKEN must not be set in the environment on AWS');
    expect(run.stdout + run.stderr).not.toContain(api.token.split(':')[1]);
  });

  it("a bad variable fails the cold start, named with zod's English message (zod/mini brings none)", async () => {
    const env = tickEnv({ OUTBOX_QUEUE_URL: 'not a queue' });
    const run = await invokeBundle(dirs.tick, schedulerEvent('2026-11-23T08:02:00Z'), env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('OUTBOX_QUEUE_URL is not valid: Invalid URL');
  });

  it('a locale file missing beside the bundle fails the cold start, naming the file', async () => {
    const copy = join(out, 'webhook-without-romanian');
    cpSync(dirs.telegramWebhook, copy, { recursive: true });
    rmSync(join(copy, 'locales/ro/translation.json'));
    const update = api.userSends({ id: 7304, first_name: 'Ion', language_code: 'ro' }, '/start');
    const env = lambdaEnv('telegramWebhook');
    const run = await invokeBundle(copy, functionUrlEvent(update), env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Locale files missing');
    expect(run.stderr).toContain('locales/ro/translation.json');
    expect(api.messages(7304)).toEqual([]);
  });
});

describe('stack traces of the bundles, run as Lambda runs them (without --enable-source-maps)', () => {
  /** The 1-based line of `file` (from the repository's root) holding `text`. */
  const lineOf = (file: string, text: string) =>
    readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1;

  /**
   * Node options that print `MAP READ <file>` when the bundle's process reads a source map (with
   * fs.readFileSync, as bot/adapters/stack-traces.ts does).
   */
  function countingMapReads(): string[] {
    const preload = join(out, 'count-map-reads.mjs');
    writeFileSync(
      preload,
      [
        "import fs from 'node:fs';",
        "import { syncBuiltinESMExports } from 'node:module';",
        'const read = fs.readFileSync;',
        'fs.readFileSync = function (file, ...rest) {',
        "  if (String(file).endsWith('.map')) process.stderr.write(`\\nMAP READ ${file}\\n`);",
        '  return read.call(this, file, ...rest);',
        '};',
        'syncBuiltinESMExports();',
      ].join('\n'),
    );
    return ['--import', pathToFileURL(preload).href];
  }

  const thrownAt = lineOf('functions/tick.ts', "throw new Error('tick: not a scheduled event with a time')");

  it('an error a handler throws is printed at its TypeScript file and line; the map is read then, not at the cold start', async () => {
    expect(thrownAt).toBeGreaterThan(0);
    const ok = await invokeBundle(
      dirs.tick,
      schedulerEvent('2026-11-23T08:05:00Z'),
      tickEnv(),
      countingMapReads(),
    );
    aws.take();
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toMatch(/Error/);
    expect(ok.stderr).not.toContain('MAP READ');

    const failed = await invokeBundle(dirs.tick, { not: 'a scheduled event' }, tickEnv(), countingMapReads());
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('Error: tick: not a scheduled event with a time');
    // Relative to the repository, wherever the bundle was built (here, in a temporary folder).
    expect(failed.stderr).toMatch(new RegExp(`\\n {4}at \\S+ \\(functions/tick\\.ts:${thrownAt}:\\d+\\)\\n`));
    expect(failed.stderr.match(/MAP READ \S+\/index\.mjs\.map\n/g)).toHaveLength(1);
  });

  it('a failed cold start is printed at the TypeScript line that threw', async () => {
    const env = tickEnv({ OUTBOX_QUEUE_URL: 'not a queue' });
    const run = await invokeBundle(dirs.tick, schedulerEvent('2026-11-23T08:06:00Z'), env);
    expect(run.code).not.toBe(0);
    // (Node prints an uncaught error with util.inspect, which puts the minified class name first: `Ii [ConfigError]`.)
    expect(run.stderr).toMatch(/ConfigError\]?: Configuration problem/);
    const at = lineOf('bot/config/env.ts', 'throw new ConfigError(');
    expect(run.stderr).toMatch(new RegExp(`\\n {4}at \\S+ \\(bot/config/env\\.ts:${at}:\\d+\\)\\n`));
    expect(run.stderr).toMatch(/\n {4}at \S+ \(functions\/aws\.ts:\d+:\d+\)\n/);
  });

  it('a Telegram update that fails is logged with where it failed, at the TypeScript lines', async () => {
    const update = api.userSends({ id: 7305, first_name: 'Ada', language_code: 'it' }, '/start');
    // A table that is not there: the turn's first read fails.
    const env = lambdaEnv('telegramWebhook', { TABLE_NAME: 'vicini-no-such-table' });
    const run = await invokeBundle(dirs.telegramWebhook, functionUrlEvent(update), env);
    expect(run.result).toMatchObject({ statusCode: 500 });
    const line = run.stderr.split('\n').find((l) => l.includes('"msg":"update failed"'));
    const logged = JSON.parse(line ?? '{}') as { error?: string; at?: string[] };
    expect(logged.error).toMatch(/ResourceNotFoundException|Requested resource not found/);
    // e.g. `async bot/adapters/store/batch.ts:113:19` among the SDK's frames.
    expect(logged.at?.some((frame) => /(^|[ (])bot\/[\w/.-]+\.ts:\d+:\d+\)?$/.test(frame))).toBe(true);
    expect(logged.at?.join('\n')).not.toContain('index.mjs');
  });

  it.each([
    ['missing', undefined],
    ['not JSON', '{"version":3,"sources":['],
    ['not VLQ', JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AA!A;;' })],
  ])('with the map %s, an error is printed as V8 prints it, at the bundle’s lines', async (name, text) => {
    const copy = join(out, `tick-map-${name.replace(/ /g, '-')}`);
    cpSync(dirs.tick, copy, { recursive: true });
    rmSync(join(copy, 'index.mjs.map'));
    if (text !== undefined) writeFileSync(join(copy, 'index.mjs.map'), text);
    const run = await invokeBundle(copy, { not: 'a scheduled event' }, tickEnv());
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /\nError: tick: not a scheduled event with a time\n {4}at \S+ \(file:\/\/\S+\/index\.mjs:\d+:\d+\)\n/,
    );
    expect(run.stderr).not.toMatch(/\.ts:\d+/);
  });
});
