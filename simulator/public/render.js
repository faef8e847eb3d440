/* global document, Node */
// Renders Telegram messages (text with entities, inline keyboards, locations,
// contacts, voice notes, documents) as DOM, never through innerHTML.

/** `h('button', { type: 'button', class: 'x' }, 'text', child)` */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

/** Text with its URLs as links; `onLink(url)` decides what a click does. */
function linkify(text, onLink) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    out.push(text.slice(last, match.index));
    out.push(link(match[0], match[0], onLink));
    last = match.index + match[0].length;
  }
  out.push(text.slice(last));
  return out.filter((part) => part !== '');
}

function link(label, url, onLink) {
  return h(
    'a',
    {
      href: url,
      onclick: (event) => {
        event.preventDefault();
        onLink(url);
      },
    },
    label,
  );
}

const ENTITY_TAGS = {
  bold: 'strong',
  italic: 'em',
  underline: 'u',
  strikethrough: 's',
  code: 'code',
  pre: 'pre',
  spoiler: 'span',
  blockquote: 'blockquote',
  expandable_blockquote: 'blockquote',
};

/** Telegram text and entities (UTF-16 offsets, as JavaScript strings count) as DOM nodes. */
export function formatted(text, entities = [], onLink) {
  const cuts = new Set([0, text.length]);
  for (const e of entities) cuts.add(e.offset).add(e.offset + e.length);
  const points = [...cuts].filter((n) => n >= 0 && n <= text.length).sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const active = entities.filter((e) => e.offset <= from && e.offset + e.length >= to);
    const piece = text.slice(from, to);
    const textLink = active.find((e) => e.type === 'text_link');
    let node = textLink ? [link(piece, textLink.url, onLink)] : linkify(piece, onLink);
    for (const e of active) {
      const tag = ENTITY_TAGS[e.type];
      if (!tag) continue;
      node = [h(tag, e.type === 'spoiler' ? { class: 'spoiler' } : {}, ...node)];
    }
    nodes.push(...node);
  }
  return nodes;
}

export function timeOf(date, timeZone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(
    new Date(date * 1000),
  );
}

export function dayOf(date, timeZone) {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(date * 1000));
}

function duration(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** What a message carries, apart from its buttons. */
function body(message, ctx) {
  const parts = [];
  if (message.location) {
    const { latitude, longitude } = message.location;
    parts.push(
      h('p', { class: 'attachment' }, `📍 Location ${latitude.toFixed(4)}, ${longitude.toFixed(4)}`),
    );
  }
  if (message.contact) parts.push(h('p', { class: 'attachment' }, `📞 ${message.contact.phone_number}`));
  if (message.voice)
    parts.push(h('p', { class: 'attachment' }, `🎤 Voice message ${duration(message.voice.duration)}`));
  if (message.photo?.length) {
    const { file_id } = message.photo[message.photo.length - 1];
    // Like tapping a photo in Telegram: the link opens it at full size.
    const src = `/sim/files/${file_id}`;
    const image = h('img', { class: 'photo', src, alt: message.caption ? '' : 'Photo' });
    parts.push(h('a', { class: 'photo-link', href: src, target: '_blank', rel: 'noopener' }, image));
  }
  if (message.document) {
    const { file_id, file_name = 'document', file_size } = message.document;
    const size = file_size === undefined ? '' : ` (${Math.max(1, Math.round(file_size / 1024))} KB)`;
    parts.push(
      h(
        'p',
        { class: 'attachment' },
        '📄 ',
        h('a', { href: `/sim/files/${file_id}`, download: file_name }, file_name),
        size,
      ),
    );
  }
  const text = message.text ?? message.caption;
  if (text !== undefined) {
    const entities = message.entities ?? message.caption_entities ?? [];
    parts.push(h('p', { class: 'text', dir: 'auto' }, ...formatted(text, entities, ctx.onLink)));
  }
  return parts;
}

/** An inline keyboard: rows of real buttons; callback buttons press, URL buttons open. */
function inlineKeyboard(message, ctx) {
  const rows = message.reply_markup?.inline_keyboard ?? [];
  if (rows.length === 0) return null;
  return h(
    'div',
    { class: 'inline-keyboard', role: 'group', 'aria-label': 'Buttons' },
    rows.map((row, r) =>
      h(
        'div',
        { class: 'row' },
        row.map((button, b) => {
          const focusKey = `m${message.message_id}-${r}-${b}`;
          if (button.callback_data !== undefined) {
            return h(
              'button',
              {
                type: 'button',
                dir: 'auto',
                dataset: { focusKey },
                onclick: () => ctx.onPress(message.message_id, button.callback_data),
              },
              button.text,
            );
          }
          const url = button.url ?? button.login_url?.url;
          return h(
            'button',
            { type: 'button', dataset: { focusKey }, onclick: () => url && ctx.onLink(url) },
            `${button.text} ↗`,
          );
        }),
      ),
    ),
  );
}

/** The chat's messages, with a line for each new day (jumps of the clock cross many). */
export function chatItems(messages, ctx) {
  const items = [];
  let day = '';
  for (const message of messages) {
    const thisDay = dayOf(message.date, ctx.timeZone);
    if (thisDay !== day) {
      day = thisDay;
      items.push(h('li', { class: 'day' }, thisDay));
    }
    const fromBot = message.from?.is_bot === true;
    const meta = h(
      'span',
      { class: 'meta' },
      message.edit_date ? 'edited ' : '',
      h(
        'time',
        { datetime: new Date(message.date * 1000).toISOString() },
        timeOf(message.date, ctx.timeZone),
      ),
    );
    items.push(
      h(
        'li',
        { class: `message ${fromBot ? 'bot' : 'mine'}`, dataset: { messageId: message.message_id } },
        h(
          'div',
          { class: 'bubble' },
          h('span', { class: 'sr-only' }, fromBot ? 'Bot: ' : 'You: '),
          body(message, ctx),
          meta,
        ),
        inlineKeyboard(message, ctx),
      ),
    );
  }
  return items;
}

/** The reply keyboard under the chat (the elder's two big buttons, "send my location"…). */
export function replyKeyboard(keyboard, ctx) {
  if (!keyboard?.keyboard?.length) return [];
  return keyboard.keyboard.map((row, r) =>
    h(
      'div',
      { class: 'row' },
      row.map((button, b) => {
        const label = typeof button === 'string' ? button : button.text;
        return h(
          'button',
          {
            type: 'button',
            dir: 'auto',
            dataset: { focusKey: `k-${r}-${b}` },
            onclick: () => {
              if (button.request_location) ctx.onLocation();
              else if (button.request_contact) ctx.onContact();
              else ctx.onText(label);
            },
          },
          label,
        );
      }),
    ),
  );
}
