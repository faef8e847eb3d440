import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { startFakeAws, type FakeAws } from './support/fake-aws.js';

const run = promisify(execFile);
const arn = (name: string) => `arn:aws:secretsmanager:eu-south-1:000000000000:secret:${name}-AbCdEf`;
const webhookSecret = 'generated-webhook-secret-0123456789abcdefABCDEF';
const url = 'https://abc123.lambda-url.eu-south-1.on.aws/';
const secretArn = arn('TelegramSecrets');
/** What the stack generates: the webhook secret, and an empty token for set-webhook to fill in. */
const generated = JSON.stringify({ TELEGRAM_BOT_TOKEN: '', TELEGRAM_WEBHOOK_SECRET: webhookSecret });
const outputs = (servedBot: string) =>
  JSON.stringify({
    Vicini: {
      TelegramWebhookUrl: url,
      TelegramSecretArn: secretArn,
      ServedBotUsername: servedBot,
      Region: 'eu-south-1',
    },
  });

let api: FakeBotApi;
let aws: FakeAws;
let dir: string;

beforeAll(async () => {
  api = await startFakeBotApi({ botUsername: 'vicini_deploy_bot' });
  aws = await startFakeAws();
  dir = mkdtempSync(join(tmpdir(), 'vicini-set-webhook-'));
  writeFileSync(join(dir, 'outputs.json'), outputs('vicini_deploy_bot'));
  writeFileSync(join(dir, 'other-bot.json'), outputs('another_bot'));
  aws.secrets.set(secretArn, generated);
});
afterAll(async () => {
  await api.close();
  await aws.close();
  rmSync(dir, { recursive: true, force: true });
});

const setWebhook = (extra: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'functions/set-webhook.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      STACK_OUTPUTS: join(dir, 'outputs.json'),
      TELEGRAM_API_ROOT: api.apiRoot,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...extra,
    },
  });

describe('npm run set-webhook', () => {
  it('refuses to run while the Telegram secret holds no token yet', async () => {
    await expect(setWebhook({})).rejects.toMatchObject({
      stderr: expect.stringContaining('TELEGRAM_BOT_TOKEN='),
    });
    expect(api.callsTo('setWebhook')).toEqual([]);
  });

  it('refuses, and stores nothing, when the token is another bot’s than the stack’s', async () => {
    await expect(
      setWebhook({ TELEGRAM_BOT_TOKEN: api.token, STACK_OUTPUTS: join(dir, 'other-bot.json') }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('BotUsername=another_bot') });
    expect(aws.secrets.get(secretArn)).toBe(generated);
    expect(api.callsTo('setWebhook')).toEqual([]);
  });

  it('stores the token beside the generated webhook secret, sets the webhook with it and the update kinds, and the command menus', async () => {
    const { stdout, stderr } = await setWebhook({ TELEGRAM_BOT_TOKEN: api.token });
    // Only the token changed: the webhook secret the stack generated is kept, in the same JSON.
    expect(JSON.parse(aws.secrets.get(secretArn) ?? '')).toEqual({
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    });
    const [call] = api.callsTo('setWebhook');
    expect(call?.ok).toBe(true);
    expect(call?.params).toMatchObject({
      url,
      secret_token: webhookSecret,
      allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
    expect(api.callsTo('setMyCommands').length).toBeGreaterThanOrEqual(3);
    expect(stdout + stderr).not.toContain(webhookSecret);
    expect(stdout + stderr).not.toContain(api.token);
  });

  it('reads the stored token on later runs', async () => {
    await setWebhook({});
    expect(api.callsTo('setWebhook')).toHaveLength(2);
  });
});
