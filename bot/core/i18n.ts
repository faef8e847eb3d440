import { existsSync, readFileSync } from 'node:fs';
import i18next, { type TFunction } from 'i18next';
import type { Param, Params } from '../flows/types.js';

export const langs = ['it', 'en', 'ro', 'uk', 'ar'] as const;
export type Lang = (typeof langs)[number];

/** A locale file: nested keys, strings at the leaves. */
export interface LocaleTree {
  [key: string]: string | LocaleTree;
}

/**
 * The locale files are read from disk, not bundled: the repo's locales/ when run from source, the
 * locales/ folder beside the bundle in a Lambda (infra/bundling.ts defines VICINI_LOCALES_DIR at build
 * time and copies the files there). Each file is parsed on its language's first use; that every one
 * of them is there is checked at start, so a missing file fails the cold start, not a turn.
 */
const localesDir = new URL(process.env.VICINI_LOCALES_DIR ?? '../../locales/', import.meta.url);
const localeFile = (lang: Lang) => new URL(`${lang}/translation.json`, localesDir);
const missing = langs.filter((lang) => !existsSync(localeFile(lang)));
if (missing.length) {
  throw new Error(`Locale files missing: ${missing.map((l) => localeFile(l).pathname).join(', ')}`);
}

const instance = i18next.createInstance();
void instance.init({
  resources: {},
  lng: 'it',
  fallbackLng: 'it',
  initAsync: false,
  // Channels escape every user-supplied value themselves, for their own markup.
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

const loaded = new Map<Lang, LocaleTree>();

/** A language's texts, read and handed to i18next on first use (with Italian, every language's fallback). */
function load(lang: Lang): LocaleTree {
  let tree = loaded.get(lang);
  if (!tree) {
    if (lang !== 'it') load('it');
    tree = JSON.parse(readFileSync(localeFile(lang), 'utf8')) as LocaleTree;
    instance.addResourceBundle(lang, 'translation', tree);
    loaded.set(lang, tree);
  }
  return tree;
}

/** Every locale's texts by language, each read on first access. */
export const locales = Object.defineProperties(
  {} as Record<Lang, LocaleTree>,
  Object.fromEntries(langs.map((lang) => [lang, { enumerable: true, get: () => load(lang) }])),
);

/** The locale Intl formats numbers and dates with; Arabic keeps Western digits, like the times and phones beside them. */
const intlLocales: Record<Lang, string> = {
  it: 'it-IT',
  en: 'en-GB',
  ro: 'ro-RO',
  uk: 'uk-UA',
  ar: 'ar-u-nu-latn',
};

/** Languages written right to left. */
const rightToLeft: ReadonlySet<string> = new Set<Lang>(['ar']);

/** RIGHT-TO-LEFT MARK: a line opening with a Latin name, a digit or an emoji still reads right to left. */
const rlm = '\u200F';
/** FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE: user text keeps its own direction ("+39 333…", "Maria Rossi") and leaves its neighbours theirs. */
const fsi = '\u2068';
const pdi = '\u2069';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (langs as readonly string[]).includes(value);
}

export function isRightToLeft(lang: string): boolean {
  return rightToLeft.has(lang);
}

export function translator(lang: string): TFunction {
  const known = isLang(lang) ? lang : 'it';
  load(known);
  return instance.getFixedT(known);
}

export function hasKey(key: string, lang: Lang = 'it'): boolean {
  load(lang);
  return instance.exists(key, { lng: lang });
}

/** How a channel writes user text and invite links in its own markup. */
export interface ChannelText {
  escape: (s: string) => string;
  deepLink: (payload: string) => string;
}

/**
 * Resolves params to strings: user strings go through `escape` (the channel's
 * markup escaping), nested keys are translated, lists are joined, numbers and
 * dates are written the reader's way, deep links are built by the channel.
 * A right-to-left text starts each line with a right-to-left mark, so a line
 * opening with a Latin name or an emoji still reads right to left.
 */
export function render(lang: string, key: string, params: Params | undefined, channel: ChannelText): string {
  const text = renderText(lang, key, params, channel);
  return isRightToLeft(lang) ? text.replace(/^(?=.)/gm, rlm) : text;
}

function renderText(lang: string, key: string, params: Params | undefined, channel: ChannelText): string {
  const t = translator(lang);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) values[name] = renderParam(lang, value, channel);
  return t(key, values);
}

/** One parameter as `render` would put it into a text (WhatsApp templates take parameters one by one). */
export function renderParam(lang: string, p: Param, channel: ChannelText): string {
  if (typeof p === 'string') return userText(lang, channel.escape(p));
  if (typeof p === 'number') return formatNumber(lang, p);
  if ('t' in p) return renderText(lang, p.t, p.params, channel);
  if ('list' in p) return p.list.map((item) => renderParam(lang, item, channel)).join(listSeparator(lang));
  if ('lines' in p) return p.lines.map((item) => renderParam(lang, item, channel)).join('\n');
  if ('date' in p) return formatDate(lang, p.date);
  return channel.escape(channel.deepLink(p.deepLink));
}

/** User text inside a right-to-left text is isolated, so a Latin name or a phone number neither turns nor is turned by the text around it. */
function userText(lang: string, text: string): string {
  return isRightToLeft(lang) && text ? `${fsi}${text}${pdi}` : text;
}

function intlLocale(lang: string): string {
  return intlLocales[isLang(lang) ? lang : 'it'];
}

/** A number the reader's way: "0,5" in Italian, "0.5" in English. */
export function formatNumber(lang: string, n: number): string {
  return new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: 1 }).format(n);
}

/** A calendar date (YYYY-MM-DD) the reader's way, with its weekday: "lunedì 7 dicembre". */
export function formatDate(lang: string, date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(day.getTime())) return date;
  return new Intl.DateTimeFormat(intlLocale(lang), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(day);
}

function listSeparator(lang: string): string {
  return isRightToLeft(lang) ? '، ' : ', ';
}
