import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretSources } from '../../bot/config/env.js';
import { forgetSecrets, loadSecrets, withSecretVariable } from '../../bot/adapters/aws/secrets.js';

const token = '123456:AAsecretTokenValue_0123456789';
const hook = 'webhook-secret-0123456789abcdef';
const telegram = JSON.stringify({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: hook });
/** A secret of one variable holds the plain string (none of the stack's has one now; the loader keeps the form). */
const single = { arnVariable: 'SINGLE_ARN', variables: ['SINGLE'] } as const;

function fakeSecretsManager(values: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    async send(command: GetSecretValueCommand) {
      const id = command.input.SecretId ?? '';
      reads.push(id);
      if (!(id in values)) throw new Error('ResourceNotFoundException');
      return { SecretString: values[id] };
    },
  };
}

afterEach(() => forgetSecrets());

describe('loadSecrets', () => {
  const sources = [secretSources.telegram, secretSources.whatsapp, single];

  it('reads each secret once per cold start from Secrets Manager: a string, or a JSON object of variables', async () => {
    const sm = fakeSecretsManager({
      'arn:telegram': telegram,
      'arn:wa': JSON.stringify({
        WHATSAPP_VERIFY_TOKEN: 'verify-0123456789abcdef',
        WHATSAPP_ACCESS_TOKEN: '',
      }),
      'arn:single': 'plain-value',
    });
    const env = {
      AWS_LAMBDA_FUNCTION_NAME: 'f',
      TELEGRAM_SECRETS_ARN: 'arn:telegram',
      WHATSAPP_SECRETS_ARN: 'arn:wa',
      SINGLE_ARN: 'arn:single',
    };
    const first = await loadSecrets(sources, { env, client: sm });
    const again = await loadSecrets(sources, { env, client: sm });
    expect(first).toEqual({
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_WEBHOOK_SECRET: hook,
      WHATSAPP_VERIFY_TOKEN: 'verify-0123456789abcdef',
      SINGLE: 'plain-value',
    });
    expect(again).toEqual(first);
    expect(sm.reads).toEqual(['arn:telegram', 'arn:wa', 'arn:single']);
  });

  it('holds the bot token and the webhook secret in one Telegram secret; an empty token stays unset', async () => {
    expect(secretSources.telegram).toEqual({
      arnVariable: 'TELEGRAM_SECRETS_ARN',
      variables: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'],
    });
    // As the stack generates it, before set-webhook stores the token.
    const sm = fakeSecretsManager({
      'arn:telegram': JSON.stringify({ TELEGRAM_BOT_TOKEN: '', TELEGRAM_WEBHOOK_SECRET: hook }),
    });
    const env = { AWS_LAMBDA_FUNCTION_NAME: 'f', TELEGRAM_SECRETS_ARN: 'arn:telegram' };
    expect(await loadSecrets([secretSources.telegram], { env, client: sm })).toEqual({
      TELEGRAM_WEBHOOK_SECRET: hook,
    });
  });

  it('off AWS, takes the plain variables (npm start, the in-process tests)', async () => {
    expect(await loadSecrets(sources, { env: { TELEGRAM_BOT_TOKEN: token } })).toEqual({
      TELEGRAM_BOT_TOKEN: token,
    });
  });

  it('in Lambda, refuses a plain secret variable and a missing ARN unless VICINI_LOCAL_SECRETS=1', async () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'f' };
    await expect(loadSecrets(sources, { env: { ...lambda, TELEGRAM_BOT_TOKEN: token } })).rejects.toThrow(
      /TELEGRAM_SECRETS_ARN is missing/,
    );
    const both = { ...lambda, TELEGRAM_SECRETS_ARN: 'arn:telegram', TELEGRAM_BOT_TOKEN: token };
    const error = await loadSecrets([secretSources.telegram], {
      env: both,
      client: fakeSecretsManager({ 'arn:telegram': telegram }),
    }).catch((e: Error) => e);
    expect(String(error)).toContain('TELEGRAM_BOT_TOKEN must not be set in the environment on AWS');
    expect(String(error)).not.toContain(token);
    const allowed = { ...lambda, VICINI_LOCAL_SECRETS: '1', TELEGRAM_BOT_TOKEN: token };
    expect(await loadSecrets([secretSources.telegram], { env: allowed })).toEqual({
      TELEGRAM_BOT_TOKEN: token,
    });
  });

  it('with the switch, reads a local JSON file named by VICINI_SECRETS_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vicini-secrets-'));
    try {
      const file = join(dir, 'secrets.json');
      writeFileSync(file, JSON.stringify({ TELEGRAM_BOT_TOKEN: token }));
      const env = { AWS_LAMBDA_FUNCTION_NAME: 'f', VICINI_LOCAL_SECRETS: '1', VICINI_SECRETS_FILE: file };
      expect(await loadSecrets([secretSources.telegram], { env })).toEqual({
        TELEGRAM_BOT_TOKEN: token,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never puts a secret value in an error, even a malformed one', async () => {
    const sm = fakeSecretsManager({ 'arn:wa': '{"WHATSAPP_VERIFY_TOKEN": s3cr3t-not-json' });
    const error = await loadSecrets([secretSources.whatsapp], {
      env: { WHATSAPP_SECRETS_ARN: 'arn:wa' },
      client: sm,
    }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'SecretFormatError' });
    expect(String(error)).not.toContain('s3cr3t');
  });
});

describe('withSecretVariable', () => {
  it('sets one variable of a JSON secret and keeps every other key (set-webhook keeps the webhook secret)', () => {
    const generated = JSON.stringify({
      TELEGRAM_BOT_TOKEN: '',
      TELEGRAM_WEBHOOK_SECRET: hook,
      other: 'kept',
    });
    expect(
      JSON.parse(withSecretVariable(secretSources.telegram, generated, 'TELEGRAM_BOT_TOKEN', token)),
    ).toEqual({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: hook, other: 'kept' });
  });

  it('refuses a secret that is not a JSON object, without its value in the error', () => {
    const error = (() => {
      try {
        return withSecretVariable(secretSources.telegram, 's3cr3t-plain', 'TELEGRAM_BOT_TOKEN', token);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toMatchObject({ name: 'SecretFormatError' });
    expect(String(error)).not.toContain('s3cr3t');
    expect(String(error)).not.toContain(token);
  });
});
