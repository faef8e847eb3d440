import { actionData } from '../../flows/button-data.js';
import { hasKey, langs, translator } from '../../core/i18n.js';

/**
 * The elder's two big buttons as words, in every language, mapped to their button data; `short` adds
 * the short labels too (WhatsApp, where they are typed). Built on the first text, not at import: a
 * cold start need not read every language's file.
 */
export function elderWords(options: { short?: boolean } = {}): (text: string) => string | undefined {
  let words: Map<string, string> | undefined;
  return (text) =>
    (words ??= new Map(
      langs.flatMap((lang) => {
        const t = translator(lang);
        const pairs: [string, string][] = [
          [t('keyboard.elderOk'), actionData('ok')],
          [t('keyboard.elderHelp'), actionData('help')],
        ];
        if (options.short && hasKey('short.keyboard.elderHelp', lang))
          pairs.push([t('short.keyboard.elderHelp'), actionData('help')]);
        return pairs;
      }),
    )).get(text);
}
