/**
 * Text for WhatsApp: the locales' HTML markup becomes WhatsApp's own (*bold*,
 * _italic_), user text cannot switch formatting on, and titles fit the Cloud
 * API's limits. Lengths are counted in UTF-16 code units, the stricter of the
 * ways a limit can be read (an emoji counts two), so a title accepted here is
 * accepted by the API.
 */

/** The Cloud API's limits for the parts of a message this bot sends. */
export const limits = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  sectionTitle: 24,
  caption: 1024,
} as const;

/**
 * WhatsApp has no escape character: *, _, ~ and ` in user text are replaced
 * by look-alikes that format nothing (a name like "*Anna*" shows as "∗Anna∗").
 */
const lookAlikes: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };

export function escapeWhatsApp(text: string): string {
  return text.replace(/[*_~`]/g, (c) => lookAlikes[c] ?? c);
}

/** Stands in for "<" in user text while the locales' markup is converted, so user text is never markup. */
const lt = '\uE000';

/** User text for a text with markup: formatting characters neutralised, "<" kept apart from the tags. */
export function escapeUser(text: string): string {
  return escapeWhatsApp(text).replace(/</g, lt);
}

/** User text for a title (no formatting shows there): only kept apart from the tags. */
export function keepApart(text: string): string {
  return text.replace(/</g, lt);
}

/** The locales' markup (only <b> and <i>) as WhatsApp formatting, other tags dropped; user text as written. */
export function fromHtml(text: string): string {
  return text
    .replace(/<\/?b>/g, '*')
    .replace(/<\/?i>/g, '_')
    .replace(/<[^>]+>/g, '')
    .replace(/\uE000/g, '<');
}

/** Markup removed altogether: for titles and template parameters, which show no formatting. */
export function plain(text: string): string {
  return text.replace(/<[^>]+>/g, '').replace(/\uE000/g, '<');
}

export const size = (text: string): number => text.length;

/**
 * A title within `max`: the text itself, or cut at the last word that fits
 * with an ellipsis (never inside a surrogate pair). The caller shows the
 * whole text elsewhere (a list row's description) whenever it was cut.
 */
export function fitTitle(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (size(clean) <= max) return clean;
  const room = max - 1;
  let cut = clean.slice(0, room);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  if (space >= room / 2) cut = cut.slice(0, space);
  return `${cut.trimEnd()}…`;
}

/** Splits text longer than `max` at line breaks (or, failing that, spaces) into parts that fit. */
export function splitText(text: string, max: number = limits.text): string[] {
  const parts: string[] = [];
  let rest = text;
  while (size(rest) > max) {
    const window = rest.slice(0, max);
    let at = window.lastIndexOf('\n');
    if (at < max / 2) at = window.lastIndexOf(' ');
    if (at < max / 2) at = /[\uD800-\uDBFF]$/.test(window) ? max - 1 : max;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** A template parameter: no markup, no line breaks, tabs or runs of spaces (the API refuses them). */
export function templateParam(text: string): string {
  const flat = plain(text).replace(/\s+/g, ' ').trim();
  return flat || '-';
}
