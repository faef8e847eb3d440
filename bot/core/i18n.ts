import i18next, { type TFunction } from 'i18next';
import it from '../../locales/it/translation.json' with { type: 'json' };
import en from '../../locales/en/translation.json' with { type: 'json' };
import type { Param, Params } from '../flows/types.js';

export const locales = { it, en } as const;
export type Lang = keyof typeof locales;
export const langs = Object.keys(locales) as Lang[];

const instance = i18next.createInstance();
void instance.init({
  resources: { it: { translation: it }, en: { translation: en } },
  lng: 'it',
  fallbackLng: 'it',
  initAsync: false,
  // Channels escape every user-supplied value themselves, for their own markup.
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && value in locales;
}

export function translator(lang: string): TFunction {
  return instance.getFixedT(isLang(lang) ? lang : 'it');
}

export function hasKey(key: string, lang: Lang = 'it'): boolean {
  return instance.exists(key, { lng: lang });
}

/** How a channel writes user text and invite links in its own markup. */
export interface ChannelText {
  escape: (s: string) => string;
  deepLink: (payload: string) => string;
}

/**
 * Resolves params to strings: user strings go through `escape` (the channel's
 * markup escaping), nested keys are translated, lists are joined, deep links
 * are built by the channel.
 */
export function render(lang: string, key: string, params: Params | undefined, channel: ChannelText): string {
  const t = translator(lang);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) values[name] = renderParam(lang, value, channel);
  return t(key, values);
}

/** One parameter as `render` would put it into a text (WhatsApp templates take parameters one by one). */
export function renderParam(lang: string, p: Param, channel: ChannelText): string {
  if (typeof p === 'string') return channel.escape(p);
  if (typeof p === 'number') return String(p);
  if ('t' in p) return render(lang, p.t, p.params, channel);
  if ('list' in p) return p.list.map((item) => renderParam(lang, item, channel)).join(', ');
  if ('lines' in p) return p.lines.map((item) => renderParam(lang, item, channel)).join('\n');
  return channel.escape(channel.deepLink(p.deepLink));
}
