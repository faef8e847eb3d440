import { readFileSync } from 'node:fs';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Api } from 'grammy';
import * as z from 'zod';
import { setCommandMenus } from '../bot/adapters/channels/telegram/commands.js';
import { secretVariables, withSecretVariable } from '../bot/adapters/aws/secrets.js';
import { envParts, parseEnv, secretSources } from '../bot/config/env.js';
import { quietSdkNotice } from './cli.js';

quietSdkNotice();

/**
 * `npm run set-webhook`, after `npm run deploy`: checks the bot token (TELEGRAM_BOT_TOKEN, or the one
 * stored before) belongs to the stack's bot and stores it in the Telegram secret beside the generated
 * webhook secret, which it keeps; points Telegram at the deployed webhook with that webhook secret and
 * the update kinds the bot handles, and sets the localized command menus. Reads the stack's outputs
 * from the file `npm run deploy` writes. Prints no secret.
 */
const outputsShape = z.object({
  TelegramWebhookUrl: z.url(),
  TelegramSecretArn: z.string().startsWith('arn:'),
  ServedBotUsername: z.string(),
  Region: z.string(),
});

try {
  const env = parseEnv({
    STACK_OUTPUTS: z.string().default('cdk.out/outputs.json'),
    STACK_NAME: z.string().default('Vicini'),
    TELEGRAM_BOT_TOKEN: z.optional(envParts.telegram.TELEGRAM_BOT_TOKEN),
    TELEGRAM_API_ROOT: envParts.telegram.TELEGRAM_API_ROOT,
  });
  const all = JSON.parse(readFileSync(env.STACK_OUTPUTS, 'utf8')) as Record<string, unknown>;
  const outputs = outputsShape.parse(all[env.STACK_NAME]);
  const secrets = new SecretsManagerClient({ region: outputs.Region });
  const stored =
    (await secrets.send(new GetSecretValueCommand({ SecretId: outputs.TelegramSecretArn }))).SecretString ??
    '';
  // One JSON secret: {"TELEGRAM_BOT_TOKEN": …, "TELEGRAM_WEBHOOK_SECRET": <generated at deploy>}.
  const values = secretVariables(secretSources.telegram, stored);
  const webhookSecret = values.TELEGRAM_WEBHOOK_SECRET ?? '';
  if (!envParts.webhook.TELEGRAM_WEBHOOK_SECRET.safeParse(webhookSecret).success) {
    throw new Error(
      'The Telegram secret holds no valid TELEGRAM_WEBHOOK_SECRET (16–256 of A-Za-z0-9_-): put one back in its JSON.',
    );
  }
  const token = env.TELEGRAM_BOT_TOKEN ?? values.TELEGRAM_BOT_TOKEN ?? '';
  if (!envParts.telegram.TELEGRAM_BOT_TOKEN.safeParse(token).success) {
    throw new Error(
      'The Telegram secret holds no bot token yet: run again with TELEGRAM_BOT_TOKEN=<token from @BotFather>.',
    );
  }
  const api = new Api(token, env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {});
  const me = await api.getMe();
  if (me.username !== outputs.ServedBotUsername) {
    throw new Error(
      `The token is @${me.username}'s, but the stack was deployed with BotUsername=${outputs.ServedBotUsername}.`,
    );
  }
  if (env.TELEGRAM_BOT_TOKEN) {
    // Only the token changes: the webhook secret the Lambdas and Telegram share stays as generated.
    const value = withSecretVariable(secretSources.telegram, stored, 'TELEGRAM_BOT_TOKEN', token);
    await secrets.send(
      new PutSecretValueCommand({ SecretId: outputs.TelegramSecretArn, SecretString: value }),
    );
    console.log('Bot token stored in the Telegram secret, beside the webhook secret.');
  }
  await api.setWebhook(outputs.TelegramWebhookUrl, {
    secret_token: webhookSecret,
    allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    drop_pending_updates: false,
  });
  await setCommandMenus(api);
  console.log(
    `Telegram now sends @${me.username}'s updates to ${outputs.TelegramWebhookUrl}; command menus set.`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
