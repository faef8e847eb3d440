import { Api } from 'grammy';
import { envParts, parseEnv } from '../bot/config/env.js';
import { setCommandMenus } from '../bot/adapters/channels/telegram/commands.js';
import { quietSdkNotice } from './cli.js';

quietSdkNotice();

/** `npm run set-commands`: the localized command menus (it, en) for the bot. */
try {
  const env = parseEnv(envParts.telegram);
  await setCommandMenus(
    new Api(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
  );
  console.log('Command menus set for it and en.');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
