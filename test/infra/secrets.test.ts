import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretSources } from '../../bot/config/env.js';
import { forgetSecrets, loadSecrets } from '../../bot/adapters/aws/secrets.js';

const token = '123456:AAsecretTokenValue_0123456789';

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
  const sources = [secretSources.telegramBotToken, secretSources.whatsapp];

  it('reads each secret once per cold start from Secrets Manager: a string, or a JSON object of variables', async () => {
    const sm = fakeSecretsManager({
      'arn:token': token,
      'arn:wa': JSON.stringify({
        WHATSAPP_VERIFY_TOKEN: 'verify-0123456789abcdef',
        WHATSAPP_ACCESS_TOKEN: '',
      }),
    });
    const env = {
      AWS_LAMBDA_FUNCTION_NAME: 'f',
      TELEGRAM_BOT_TOKEN_ARN: 'arn:token',
      WHATSAPP_SECRETS_ARN: 'arn:wa',
    };
    const first = await loadSecrets(sources, { env, client: sm });
    const again = await loadSecrets(sources, { env, client: sm });
    expect(first).toEqual({ TELEGRAM_BOT_TOKEN: token, WHATSAPP_VERIFY_TOKEN: 'verify-0123456789abcdef' });
    expect(again).toEqual(first);
    expect(sm.reads).toEqual(['arn:token', 'arn:wa']);
  });

  it('off AWS, takes the plain variables (npm start, the in-process tests)', async () => {
    expect(await loadSecrets(sources, { env: { TELEGRAM_BOT_TOKEN: token } })).toEqual({
      TELEGRAM_BOT_TOKEN: token,
    });
  });

  it('in Lambda, refuses a plain secret variable and a missing ARN unless VICINI_LOCAL_SECRETS=1', async () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'f' };
    await expect(loadSecrets(sources, { env: { ...lambda, TELEGRAM_BOT_TOKEN: token } })).rejects.toThrow(
      /TELEGRAM_BOT_TOKEN_ARN is missing/,
    );
    const both = { ...lambda, TELEGRAM_BOT_TOKEN_ARN: 'arn:token', TELEGRAM_BOT_TOKEN: token };
    const error = await loadSecrets([secretSources.telegramBotToken], {
      env: both,
      client: fakeSecretsManager({ 'arn:token': token }),
    }).catch((e: Error) => e);
    expect(String(error)).toContain('TELEGRAM_BOT_TOKEN must not be set in the environment on AWS');
    expect(String(error)).not.toContain(token);
    const allowed = { ...lambda, VICINI_LOCAL_SECRETS: '1', TELEGRAM_BOT_TOKEN: token };
    expect(await loadSecrets([secretSources.telegramBotToken], { env: allowed })).toEqual({
      TELEGRAM_BOT_TOKEN: token,
    });
  });

  it('with the switch, reads a local JSON file named by VICINI_SECRETS_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vicini-secrets-'));
    try {
      const file = join(dir, 'secrets.json');
      writeFileSync(file, JSON.stringify({ TELEGRAM_BOT_TOKEN: token }));
      const env = { AWS_LAMBDA_FUNCTION_NAME: 'f', VICINI_LOCAL_SECRETS: '1', VICINI_SECRETS_FILE: file };
      expect(await loadSecrets([secretSources.telegramBotToken], { env })).toEqual({
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
