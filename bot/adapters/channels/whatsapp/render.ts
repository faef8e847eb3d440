import { actionData } from '../../../flows/button-data.js';
import { isActionButton, type ActionButton, type Reply } from '../../../flows/types.js';
import { hasKey, isLang, render, translator, type ChannelText } from '../../../core/i18n.js';
import { escapeUser, fitTitle, fromHtml, keepApart, limits, plain, size, splitText } from './format.js';

/** One message for `POST /{phone-number-id}/messages`, without `to` and `messaging_product`. */
export type Outgoing =
  | { type: 'text'; text: { body: string; preview_url?: boolean } }
  | { type: 'interactive'; interactive: Interactive }
  | { type: 'audio'; audio: { id: string } }
  /** A file the sender uploads first (`POST /{phone-number-id}/media`), then sends by the id it gets. */
  | { type: 'document'; upload: { filename: string; content: string }; caption?: string }
  /** A PNG image (base64), uploaded like a document and sent as an image. */
  | { type: 'image'; upload: { filename: string; png: string }; caption?: string };

export type Interactive =
  | {
      type: 'button';
      body: { text: string };
      action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] };
    }
  | {
      type: 'list';
      body: { text: string };
      action: {
        button: string;
        sections: { title: string; rows: { id: string; title: string; description?: string }[] }[];
      };
    }
  | { type: 'location_request_message'; body: { text: string }; action: { name: 'send_location' } };

export interface Rendered {
  parts: Outgoing[];
  /** Button data in the order of a numbered menu the text shows: a reply "2" means the second. */
  menu?: string[];
}

/** Button data of WhatsApp's own buttons, handled by the channel before the flows see them. */
export const whatsappData = { ownNumber: 'w:contact', showHeld: 'w:held' } as const;

/** Texts that say something only true on Telegram (a message edited in place, a "Send my number" button). */
const onWhatsApp: Record<string, string> = {
  'request.doneStripped': 'whatsapp.doneStripped',
  'request.releasedStripped': 'whatsapp.releasedStripped',
  'request.cancelledStripped': 'whatsapp.cancelledStripped',
  'errors.notOwnContact': 'whatsapp.notOwnContact',
};

/** Voice notes recorded on WhatsApp are passed on by their media id, marked so no other channel mistakes them. */
export const voicePrefix = 'wa:';

/** A click-to-chat link that opens the bot's chat with "/start <payload>" typed, ready to send. */
export function deepLink(businessNumber: string, payload: string): string {
  return `https://wa.me/${businessNumber}?text=${encodeURIComponent(`/start ${payload}`)}`;
}

const elderButtons: ActionButton[] = [
  { label: 'keyboard.elderOk', data: actionData('ok') },
  { label: 'keyboard.elderHelp', data: actionData('help') },
];

/**
 * A Reply as WhatsApp messages. Buttons become reply buttons (at most 3, each
 * title at most 20: the label, or its `short.` variant), else a list (at most
 * 10 rows; a label over 24 is cut in the title and shown whole in the
 * description), else numbered text. WhatsApp cannot edit a sent message: an
 * edit is a new message.
 */
export function renderReply(lang: string, reply: Reply, businessNumber: string): Rendered {
  const channel: ChannelText = { escape: escapeUser, deepLink: (p) => deepLink(businessNumber, p) };
  const t = translator(lang);
  const text = fromHtml(render(lang, onWhatsApp[reply.text] ?? reply.text, reply.params, channel));
  if (reply.voice) return voice(text, reply.voice, t('whatsapp.voiceElsewhere'));
  if (reply.photo) {
    const fits = size(text) <= limits.caption;
    return {
      parts: [
        ...(fits ? [] : texts(text)),
        { type: 'image', upload: reply.photo, ...(fits ? { caption: text } : {}) },
      ],
    };
  }
  if (reply.document) {
    const fits = size(text) <= limits.caption;
    return {
      parts: [
        ...(fits ? [] : texts(text)),
        { type: 'document', upload: reply.document, ...(fits ? { caption: text } : {}) },
      ],
    };
  }
  // WhatsApp has no "share" button: the text carries the link, and a message forwards as it is.
  const given = reply.buttons?.flat().filter(isActionButton) ?? [];
  const buttons = given.length ? given : reply.keyboard === 'elder' ? elderButtons : [];
  if (buttons.length) return choice(lang, text, buttons);
  if (reply.keyboard === 'askLocation') {
    return withBody(text, t('whatsapp.choose'), (body) => ({
      type: 'location_request_message',
      body: { text: body },
      action: { name: 'send_location' },
    }));
  }
  if (reply.keyboard === 'askContact') {
    const own = { label: 'whatsapp.useThisNumber', data: whatsappData.ownNumber };
    return choice(lang, text, [own]);
  }
  return { parts: texts(text) };
}

function texts(text: string): Outgoing[] {
  return splitText(text).map((body) => ({ type: 'text', text: { body } }));
}

/** An interactive message whose body fits; a longer text goes first as its own message. */
function withBody(text: string, short: string, build: (body: string) => Interactive): Rendered {
  if (size(text) <= limits.interactiveBody)
    return { parts: [{ type: 'interactive', interactive: build(text) }] };
  return { parts: [...texts(text), { type: 'interactive', interactive: build(short) }] };
}

function voice(caption: string, id: string, elsewhere: string): Rendered {
  if (!id.startsWith(voicePrefix)) return { parts: texts(`${caption}\n${elsewhere}`) };
  return { parts: [...texts(caption), { type: 'audio', audio: { id: id.slice(voicePrefix.length) } }] };
}

/** A button's label as plain text; `escape` for text where formatting applies (a numbered menu). */
function label(lang: string, key: string, button: ActionButton, escape = keepApart): string {
  return plain(render(lang, key, button.params, { escape, deepLink: (p) => p }))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The title a reply button can show: the label, or its short variant; null when neither fits. */
function buttonTitle(lang: string, button: ActionButton): string | null {
  const full = label(lang, button.label, button);
  if (size(full) <= limits.buttonTitle) return full;
  const shortKey = `short.${button.label}`;
  if (!isLang(lang) || !hasKey(shortKey, lang)) return null;
  const short = label(lang, shortKey, button);
  return size(short) <= limits.buttonTitle ? short : null;
}

function choice(lang: string, text: string, buttons: ActionButton[]): Rendered {
  const t = translator(lang);
  const titles = buttons.length <= limits.buttons ? buttons.map((b) => buttonTitle(lang, b)) : [];
  const unique = new Set(titles).size === titles.length;
  if (titles.length && unique && titles.every((x): x is string => x !== null)) {
    return withBody(text, t('whatsapp.choose'), (body) => ({
      type: 'button',
      body: { text: body },
      action: {
        buttons: buttons.map((b, i) => ({ type: 'reply', reply: { id: b.data, title: titles[i]! } })),
      },
    }));
  }
  const rows = buttons.map((b) => {
    const full = label(lang, b.label, b);
    const title = fitTitle(full, limits.rowTitle);
    return { id: b.data, title, ...(title === full ? {} : { description: full }) };
  });
  const fitsList =
    rows.length <= limits.listRows && rows.every((r) => size(r.description ?? '') <= limits.rowDescription);
  if (fitsList) {
    return withBody(text, t('whatsapp.choose'), (body) => ({
      type: 'list',
      body: { text: body },
      action: {
        button: fitTitle(t('whatsapp.listButton'), limits.listButton),
        sections: [{ title: fitTitle(t('whatsapp.listSection'), limits.sectionTitle), rows }],
      },
    }));
  }
  const lines = buttons.map((b, i) => `${i + 1}. ${label(lang, b.label, b, escapeUser)}`);
  return {
    parts: texts(`${text}\n\n${t('whatsapp.numbered')}\n${lines.join('\n')}`),
    menu: buttons.map((b) => b.data),
  };
}
