import { readFileSync } from 'node:fs';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Api } from 'grammy';
import * as z from 'zod';
import { setCommandMenus } from '../bot/adapters/channels/telegram/commands.js';
import { envParts, parseEnv } from '../bot/config/env.js';
import { quietSdkNotice } from './cli.js';

quietSdkNotice();

/**
 * `npm run set-webhook`, after `npm run deploy`: stores the bot token in its
 * secret (when TELEGRAM_BOT_TOKEN is given), points Telegram at the deployed
 * webhook with the generated secret token and the update kinds the bot
 * handles, and sets the localized command menus. Reads the stack's outputs
 * from the file `npm run deploy` writes. Prints no secret.
 */
const outputsShape = z.object({
  TelegramWebhookUrl: z.url(),
  TelegramBotTokenSecretArn: z.string().startsWith('arn:'),
  TelegramWebhookSecretArn: z.string().startsWith('arn:'),
  ServedBotUsername: z.string(),
  Region: z.string(),
});

try {
  const env = parseEnv({
    STACK_OUTPUTS: z.string().default('cdk.out/outputs.json'),
    STACK_NAME: z.string().default('Vicini'),
    TELEGRAM_BOT_TOKEN: envParts.telegram.TELEGRAM_BOT_TOKEN.optional(),
    TELEGRAM_API_ROOT: envParts.telegram.TELEGRAM_API_ROOT,
  });
  const all = JSON.parse(readFileSync(env.STACK_OUTPUTS, 'utf8')) as Record<string, unknown>;
  const outputs = outputsShape.parse(all[env.STACK_NAME]);
  const secrets = new SecretsManagerClient({ region: outputs.Region });
  const read = async (arn: string) =>
    (await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '';

  if (env.TELEGRAM_BOT_TOKEN) {
    const value = env.TELEGRAM_BOT_TOKEN;
    await secrets.send(
      new PutSecretValueCommand({ SecretId: outputs.TelegramBotTokenSecretArn, SecretString: value }),
    );
    console.log('Bot token stored in its secret.');
  }
  const token = env.TELEGRAM_BOT_TOKEN ?? (await read(outputs.TelegramBotTokenSecretArn));
  if (!envParts.telegram.TELEGRAM_BOT_TOKEN.safeParse(token).success) {
    throw new Error(
      'The bot token secret holds no token yet: run again with TELEGRAM_BOT_TOKEN=<token from @BotFather>.',
    );
  }
  const api = new Api(token, env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {});
  const me = await api.getMe();
  if (me.username !== outputs.ServedBotUsername) {
    throw new Error(
      `The token is @${me.username}'s, but the stack was deployed with BotUsername=${outputs.ServedBotUsername}.`,
    );
  }
  await api.setWebhook(outputs.TelegramWebhookUrl, {
    secret_token: await read(outputs.TelegramWebhookSecretArn),
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
