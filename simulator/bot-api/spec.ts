/**
 * Validation of Bot API calls against the machine-readable method list in
 * /work/shared/telegram/bot-api.min.json, plus the limits Telegram states only
 * in prose (text lengths, callback data bytes, keyboard size) and a parser for
 * Telegram's HTML parse mode. Every rejection throws a {@link BotApiError}
 * carrying the error code and description Telegram would answer with.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { MessageEntity, ResponseParameters } from 'grammy/types';

export type Params = Record<string, unknown>;

/** A file uploaded with multipart/form-data, as recorded in a call's params. */
export interface UploadedFile {
  filename: string;
  content: string;
  /** The bytes as sent (an image is not text); not enumerable, so recorded params compare as text. */
  bytes?: Buffer;
}

export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(`${errorCode}: ${description}`);
  }
}

interface SpecField {
  name: string;
  types: string[];
  required: boolean;
  description?: string;
}
interface Spec {
  methods: Record<string, { fields?: SpecField[] }>;
  types: Record<string, { fields?: SpecField[]; subtypes?: string[] }>;
}

const specFile = new URL('../../../shared/telegram/bot-api.min.json', import.meta.url);
/**
 * The method list sits beside the repository (`../shared`). A clone without it still runs the
 * simulator (`npm start`), with every call accepted unchecked; the tests always have it.
 */
const spec: Spec | null = existsSync(specFile) ? (JSON.parse(readFileSync(specFile, 'utf8')) as Spec) : null;
/** False when calls go unchecked because the method list is missing. */
export const specLoaded = spec !== null;
const methodsByLowerName = new Map(Object.keys(spec?.methods ?? {}).map((n) => [n.toLowerCase(), n]));
const SCALARS = new Set(['Integer', 'Float', 'String', 'Boolean', 'InputFile']);

const badRequest = (description: string): BotApiError => new BotApiError(400, `Bad Request: ${description}`);

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isUploadedFile = (value: unknown): value is UploadedFile =>
  isRecord(value) && typeof value.filename === 'string' && typeof value.content === 'string';

/** Canonical name of a Bot API method (Telegram matches names case-insensitively), if it exists. */
export function resolveMethod(name: string): string | undefined {
  if (!spec) return /^[a-zA-Z]+$/.test(name) ? name : undefined;
  return methodsByLowerName.get(name.toLowerCase());
}

/** Turns a form/query string value into the type the spec declares for that parameter. */
export function coerceFormParam(method: string, key: string, raw: string): unknown {
  const types = spec?.methods[method]?.fields?.find((f) => f.name === key)?.types ?? ['JSON'];
  if (types.includes('Integer') && /^-?\d+$/.test(raw)) return Number(raw);
  if (types.includes('Float') && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (types.includes('Boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (types.some((t) => !SCALARS.has(t)) && /^\s*[[{]/.test(raw)) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

// ---------------------------------------------------------------- structure

/** `depth` ranks alternatives: the candidate type whose problem lies deepest is the one meant. */
interface Problem {
  path: string;
  message: string;
  depth: number;
}

const problem = (path: string, message: string, depth = path.split(/[.[]/).length): Problem => ({
  path,
  message,
  depth,
});

function checkFields(obj: Record<string, unknown>, fields: SpecField[], prefix: string): Problem | undefined {
  const what = prefix ? 'field' : 'parameter';
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  // A subtype of a union names its `type` value ("must be chat"): a mismatch means another subtype.
  const discriminator = /(?:must be|always) [“"]?([\w-]+)/.exec(
    fields.find((f) => f.name === 'type')?.description ?? '',
  )?.[1];
  if (discriminator && obj.type !== discriminator) {
    return problem(at('type'), `"${at('type')}" must be "${discriminator}"`, 0);
  }
  for (const key of Object.keys(obj)) {
    if (!fields.some((f) => f.name === key)) return problem(at(key), `unknown ${what} "${at(key)}"`);
  }
  for (const field of fields) {
    const value = obj[field.name];
    if (value === undefined) {
      if (field.required) return problem(at(field.name), `${what} "${at(field.name)}" is required`);
      continue;
    }
    const found = checkValue(value, field.types, at(field.name));
    if (found) return found;
  }
  return undefined;
}

/** Checks a value against alternative types; reports the problem found deepest in the value. */
function checkValue(value: unknown, types: string[], path: string): Problem | undefined {
  let best: Problem | undefined;
  for (const type of types) {
    const found = checkType(value, type, path);
    if (!found) return undefined;
    if (!best || found.depth > best.depth) best = found;
  }
  return best && (best.path === path || best.depth === 0)
    ? problem(path, `"${path}" must be ${types.join(' or ')}`)
    : best;
}

function checkType(value: unknown, type: string, path: string): Problem | undefined {
  const fail = problem(path, `"${path}" must be ${type}`);
  if (type.startsWith('Array of ')) {
    if (!Array.isArray(value)) return fail;
    for (const [i, item] of value.entries()) {
      const found = checkValue(item, [type.slice('Array of '.length)], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  switch (type) {
    case 'Integer':
      return Number.isInteger(value) ? undefined : fail;
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : fail;
    case 'String':
      return typeof value === 'string' ? undefined : fail;
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : fail;
    case 'InputFile':
      return typeof value === 'string' || isUploadedFile(value) ? undefined : fail;
  }
  if (type === 'KeyboardButton' && typeof value === 'string') return undefined; // Telegram still accepts it
  const def = spec?.types[type];
  if (!def) return undefined; // a type the list does not describe: accept
  if (def.subtypes) return checkValue(value, def.subtypes, path);
  if (!isRecord(value)) return fail;
  return checkFields(value, def.fields ?? [], path);
}

// ------------------------------------------------------------------- limits

const TEXT_BUTTON_KEYS = new Set(['text', 'icon_custom_emoji_id', 'style']);

function checkKeyboard(markup: Record<string, unknown>): void {
  const rows = markup.inline_keyboard ?? markup.keyboard;
  if (!Array.isArray(rows)) return;
  const buttons = (rows as unknown[][]).flat();
  if (buttons.length > 100) throw badRequest('reply markup is too long (more than 100 buttons)');
  if (!markup.inline_keyboard) return;
  for (const button of buttons as Array<Record<string, unknown>>) {
    const actions = Object.keys(button).filter((key) => !TEXT_BUTTON_KEYS.has(key));
    if (actions.length === 0) {
      throw badRequest(
        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
      );
    }
    if (actions.length > 1) {
      throw badRequest(`can't parse inline keyboard button: only one of ${actions.join(', ')} may be used`);
    }
    if (button.text === '') throw badRequest("can't parse inline keyboard button: Text must be non-empty");
    const data = button.callback_data;
    if (typeof data === 'string' && (data === '' || Buffer.byteLength(data, 'utf8') > 64)) {
      throw badRequest('BUTTON_DATA_INVALID');
    }
    if (typeof button.url === 'string' && !/^(https?|tg):\/\/\S+$/i.test(button.url)) {
      throw badRequest('BUTTON_URL_INVALID');
    }
  }
}

function checkCommands(commands: unknown): void {
  if (!Array.isArray(commands)) return;
  if (commands.length > 100) throw badRequest('too many commands (at most 100)');
  for (const { command, description } of commands as Array<{ command: string; description: string }>) {
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    if (description.length < 1 || description.length > 256)
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
}

function checkLimits(method: string, p: Params): void {
  if (p.parse_mode !== undefined && !/^(html|markdownv2|markdown)$/i.test(String(p.parse_mode))) {
    throw badRequest(`unsupported parse_mode "${String(p.parse_mode)}"`);
  }
  if (method === 'sendMessage' || method === 'editMessageText') {
    if (p.text === undefined && p.rich_message === undefined) throw badRequest('message text is empty');
    if (typeof p.text === 'string') {
      const { text } = formatText(p.text, p.parse_mode);
      if (text.trim() === '') throw badRequest('message text is empty');
      if (text.length > 4096) throw badRequest('message is too long');
    }
  }
  if (typeof p.caption === 'string' && formatText(p.caption, p.parse_mode).text.length > 1024) {
    throw badRequest('message caption is too long');
  }
  if (method === 'answerCallbackQuery' && typeof p.text === 'string' && p.text.length > 200) {
    throw badRequest('MESSAGE_TOO_LONG');
  }
  if (isRecord(p.reply_markup)) checkKeyboard(p.reply_markup);
  if (method === 'setMyCommands') checkCommands(p.commands);
}

/** Throws the error Telegram would answer for this call, if any. `method` must be canonical. */
export function validateCall(method: string, params: Params): void {
  if (!spec) return checkLimits(method, params);
  const def = spec.methods[method];
  if (!def) throw new BotApiError(404, 'Not Found');
  const found = checkFields(params, def.fields ?? [], '');
  if (found) throw badRequest(found.message);
  checkLimits(method, params);
}

// --------------------------------------------------------------------- HTML

const HTML_TAGS: Record<string, MessageEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const TAG = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*>/y;
const ATTRIBUTE = /([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const ENTITY = /&(#\d+|#x[\da-fA-F]+|lt|gt|amp|quot);/y;

function decodeEntities(s: string): string {
  return s.replace(/&(#\d+|#x[\da-fA-F]+|lt|gt|amp|quot);/g, (_, e: string) => decodeEntity(e));
}
function decodeEntity(e: string): string {
  if (!e.startsWith('#')) return NAMED_ENTITIES[e] ?? '';
  return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
}

interface OpenTag {
  name: string;
  entity: MessageEntity;
}

/** Parses text in Telegram's HTML parse mode into plain text and entities, as Telegram does. */
export function parseHtml(html: string): { text: string; entities: MessageEntity[] } {
  const fail = (i: number, why: string) =>
    badRequest(`can't parse entities: ${why} at byte offset ${Buffer.byteLength(html.slice(0, i))}`);
  const stack: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '&') {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(html);
      if (!m) throw fail(i, 'Character "&" is not part of an entity; escape it as &amp;');
      text += decodeEntity(m[1] as string);
      i = ENTITY.lastIndex;
    } else if (ch === '<') {
      TAG.lastIndex = i;
      const m = TAG.exec(html);
      if (!m) throw fail(i, 'Unexpected character "<"; escape it as &lt;');
      const [, slash, rawName = '', rawAttributes = ''] = m;
      const name = rawName.toLowerCase();
      if (slash) {
        const open = stack.pop();
        if (open?.name !== name) {
          throw fail(i, `Unmatched end tag "</${name}>", expected "</${open?.name ?? '(none)'}>"`);
        }
        open.entity.length = text.length - open.entity.offset;
        const codeInPre = name === 'code' && stack.at(-1)?.name === 'pre'; // only sets the pre's language
        if (open.entity.length > 0 && !codeInPre) entities.push(open.entity);
      } else {
        const entity = openEntity(name, rawAttributes, text.length, stack);
        if (!entity) throw fail(i, `Unsupported start tag "${name}"`);
        stack.push({ name, entity });
      }
      i = TAG.lastIndex;
    } else {
      text += ch;
      i += 1;
    }
  }
  const unclosed = stack.pop();
  if (unclosed) throw fail(html.length, `Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

function openEntity(name: string, rawAttributes: string, offset: number, stack: OpenTag[]) {
  const type = HTML_TAGS[name];
  if (!type) return undefined;
  const attrs = new Map<string, string>();
  for (const m of rawAttributes.matchAll(ATTRIBUTE)) {
    attrs.set((m[1] as string).toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  const entity = { type, offset, length: 0 } as MessageEntity & Record<string, unknown>;
  if (name === 'a') {
    if (!attrs.get('href')) return undefined;
    entity.url = attrs.get('href');
  } else if (name === 'span' && attrs.get('class') !== 'tg-spoiler') {
    return undefined;
  } else if (name === 'tg-emoji') {
    if (!attrs.get('emoji-id')) return undefined;
    entity.custom_emoji_id = attrs.get('emoji-id');
  } else if (name === 'blockquote' && attrs.has('expandable')) {
    entity.type = 'expandable_blockquote';
  } else if (name === 'code' && stack.at(-1)?.name === 'pre' && attrs.get('class')?.startsWith('language-')) {
    Object.assign(stack.at(-1)?.entity ?? {}, { language: attrs.get('class')?.slice('language-'.length) });
  }
  return entity as MessageEntity;
}

/** Plain text and entities of a text/caption after applying its parse mode (only HTML is parsed). */
export function formatText(text: string, parseMode: unknown): { text: string; entities: MessageEntity[] } {
  return typeof parseMode === 'string' && parseMode.toLowerCase() === 'html'
    ? parseHtml(text)
    : { text, entities: [] };
}
