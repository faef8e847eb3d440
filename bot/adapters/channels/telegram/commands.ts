import type { Api } from 'grammy';
import { commands } from '../../../core/inbound.js';
import { langs, translator } from '../../../core/i18n.js';

/** Sets the localized command menu: one list per language, Italian as the default. */
export async function setCommandMenus(api: Api): Promise<void> {
  const list = (lang: string) => {
    const t = translator(lang);
    return commands.map((command) => ({ command, description: t(`commands.${command}`) }));
  };
  await api.setMyCommands(list('it'));
  for (const lang of langs) await api.setMyCommands(list(lang), { language_code: lang });
}
