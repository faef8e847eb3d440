import type { Api } from 'grammy';
import { commands, commandsFor } from '../../../core/inbound.js';
import { langs, translator } from '../../../core/i18n.js';

/**
 * One chat's own menu, for the person's role and chosen language (not the
 * client's): an elder never sees /pending or /alerts. After erasure the chat
 * falls back to the bot's default menu.
 */
export async function setChatMenu(
  api: Api,
  chatId: number,
  person: { role?: string; lang: string; onboardedAt?: string } | null,
): Promise<void> {
  const scope = { type: 'chat' as const, chat_id: chatId };
  if (!person) {
    await api.deleteMyCommands({ scope });
    return;
  }
  const t = translator(person.lang);
  const list = commandsFor(person.role, !!person.onboardedAt).map((command) => ({
    command,
    description: t(`commands.${command}`),
  }));
  await api.setMyCommands(list, { scope });
}

/** Sets the localized command menu: one list per language, Italian as the default. */
export async function setCommandMenus(api: Api): Promise<void> {
  const list = (lang: string) => {
    const t = translator(lang);
    return commands.map((command) => ({ command, description: t(`commands.${command}`) }));
  };
  await api.setMyCommands(list('it'));
  for (const lang of langs) await api.setMyCommands(list(lang), { language_code: lang });
}
