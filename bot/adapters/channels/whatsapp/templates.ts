import { isActionButton, type Reply } from '../../../flows/types.js';
import { isLang, render, renderParam, translator, type ChannelText } from '../../../core/i18n.js';
import { fromHtml, templateParam } from './format.js';

/**
 * Which replies have an approved template, for messages outside the 24-hour
 * window: check-in prompts and reminders, alerts and what follows them (all
 * well, who is handling it), offers to volunteers. Each template's body is the
 * reply's text with its parameters numbered in this order; its quick-reply
 * buttons carry the reply's first buttons' data as payloads, under the labels
 * listed here (a template's button labels are fixed when it is approved).
 */
export interface TemplateSpec {
  params: string[];
  quickReplies: string[];
  /** An image header: the photo of the message's first reply that has one (required: no photo, no template). */
  header?: 'image';
  /** Its quick replies bring the messages held for the person (a stand-in for what waits), not the reply's buttons. */
  releasesHeld?: boolean;
}

export const templateSpecs: Record<string, TemplateSpec> = {
  'checkin.prompt': { params: ['name'], quickReplies: ['keyboard.elderOk', 'short.keyboard.elderHelp'] },
  'checkin.reminder': { params: ['name'], quickReplies: ['keyboard.elderOk', 'short.keyboard.elderHelp'] },
  'checkin.missedRelative': {
    params: ['fullName', 'time', 'phone'],
    quickReplies: ['short.buttons.heardAllWell'],
  },
  'checkin.allWell': { params: ['fullName'], quickReplies: [] },
  'checkin.allWellHeard': { params: ['by', 'fullName'], quickReplies: [] },
  'elder.helpAlertRelative': {
    params: ['name', 'hood', 'phone'],
    quickReplies: ['short.buttons.heardAllWell'],
  },
  'alert.card': { params: ['body', 'phone', 'more'], quickReplies: ['buttons.handling'] },
  'alert.escalated': { params: ['zone', 'body', 'phone', 'more'], quickReplies: ['buttons.handling'] },
  'alert.ackedBy': { params: ['mediator', 'name'], quickReplies: [] },
  'alert.resolvedBy': { params: ['mediator', 'name'], quickReplies: [] },
  'alert.relativeAcked': { params: ['mediator', 'name', 'phone'], quickReplies: [] },
  'request.offer': {
    params: ['category', 'when', 'hood', 'km'],
    quickReplies: ['buttons.acceptOffer', 'buttons.declineOffer'],
  },
  'request.offerUrgent': {
    params: ['category', 'when', 'hood', 'km'],
    quickReplies: ['buttons.acceptOffer', 'buttons.declineOffer'],
  },
  // A mediator's ask to one volunteer: outside the window it goes as a template, never held.
  'request.ask': {
    params: ['mediator', 'category', 'when', 'hood', 'km'],
    quickReplies: ['buttons.acceptOffer', 'buttons.declineOffer'],
  },
  'request.askUrgent': {
    params: ['mediator', 'category', 'when', 'hood', 'km'],
    quickReplies: ['buttons.acceptOffer', 'buttons.declineOffer'],
  },
  // A mediator's broadcast: outside the window it goes as a template, with its one-tap way out.
  'broadcast.message': { params: ['zone', 'name', 'text'], quickReplies: ['short.buttons.stopBroadcasts'] },
  // Monday's figures outside the window: the headline with the chart on top; the text and the CSV wait for a tap.
  'figures.weekly': {
    params: ['zone', 'answered', 'prompted', 'rate', 'alerts', 'requests'],
    quickReplies: ['buttons.allFigures'],
    header: 'image',
    releasesHeld: true,
  },
};

/** The template that tells someone outside the window that messages wait for them; its button releases them. */
export const updatesTemplate = {
  text: 'whatsapp.updatesTemplate',
  quickReply: 'whatsapp.showUpdates',
  payload: 'w:held',
};

/** Template names (as approved in WhatsApp Manager) and the language code of each of the bot's languages. */
export interface TemplateConfig {
  /** Text key → template name; a key left out, or given "", has no template and its messages are held. */
  names: Record<string, string>;
  /** Bot language → template language code ("it", "en", "en_GB"…). */
  languages: Record<string, string>;
  /** The "messages are waiting" template; "" for none (held messages then wait silently). */
  updates: string;
}

/** vicini_<key>: checkin.prompt → vicini_checkin_prompt, alert.ackedBy → vicini_alert_acked_by. */
export const conventionalName = (key: string): string =>
  `vicini_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/\./g, '_')}`;

export const defaultTemplateConfig: TemplateConfig = {
  names: Object.fromEntries(Object.keys(templateSpecs).map((key) => [key, conventionalName(key)])),
  languages: { it: 'it', en: 'en', ro: 'ro', uk: 'uk', ar: 'ar' },
  updates: conventionalName('updates'),
};

export interface TemplateMessage {
  type: 'template';
  template: {
    name: string;
    language: { code: string };
    components?: TemplateComponent[];
  };
  /** An image header to upload first (its media id goes in a `header` component); never sent as such. */
  headerImage?: { filename: string; png: string };
}

export type TemplateComponent =
  | { type: 'header'; parameters: { type: 'image'; image: { id: string } }[] }
  | { type: 'body'; parameters: { type: 'text'; text: string }[] }
  | {
      type: 'button';
      sub_type: 'quick_reply';
      index: string;
      parameters: { type: 'payload'; payload: string }[];
    };

const quickReply = (index: number, payload: string): TemplateComponent => ({
  type: 'button',
  sub_type: 'quick_reply',
  index: String(index),
  parameters: [{ type: 'payload', payload }],
});

/**
 * The template message standing in for `reply`, or null when it has none (or its buttons do not fit
 * it). `photo` is the image a template with an image header shows.
 */
export function templateFor(
  config: TemplateConfig,
  lang: string,
  reply: Reply,
  channel: ChannelText,
  photo?: Reply['photo'],
): TemplateMessage | null {
  const spec = templateSpecs[reply.text];
  const name = config.names[reply.text];
  const code = config.languages[lang];
  if (!spec || !name || !code || reply.voice || reply.document || reply.photo) return null;
  if (spec.header === 'image' && !photo) return null;
  const buttons = spec.releasesHeld
    ? spec.quickReplies.map(() => ({ data: updatesTemplate.payload }))
    : (reply.buttons ?? []).flat().filter(isActionButton);
  if (buttons.length < spec.quickReplies.length) return null;
  const params = spec.params.map((p) => {
    const value = reply.params?.[p];
    return templateParam(value === undefined ? '' : renderParam(lang, value, channel));
  });
  const components: TemplateComponent[] = [];
  if (params.length)
    components.push({ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) });
  spec.quickReplies.forEach((_, i) => components.push(quickReply(i, buttons[i]!.data)));
  return {
    type: 'template',
    template: { name, language: { code }, ...(components.length ? { components } : {}) },
    ...(spec.header === 'image' && photo ? { headerImage: photo } : {}),
  };
}

/** The "messages are waiting" template, or null when none is configured for this language. */
export function updatesMessage(config: TemplateConfig, lang: string): TemplateMessage | null {
  const code = config.languages[lang];
  if (!config.updates || !code) return null;
  return {
    type: 'template',
    template: {
      name: config.updates,
      language: { code },
      components: [quickReply(0, updatesTemplate.payload)],
    },
  };
}

/** What to submit for approval: each template's body with numbered parameters, and its button labels. */
export interface TemplateDefinition {
  name: string;
  language: string;
  body: string;
  quickReplies: string[];
  /** An image header (Meta asks for a sample image when it is submitted). */
  header?: 'image';
}

const verbatim: ChannelText = { escape: (s) => s, deepLink: (p) => p };

export function templateDefinitions(config: TemplateConfig = defaultTemplateConfig): TemplateDefinition[] {
  const out: TemplateDefinition[] = [];
  for (const [lang, code] of Object.entries(config.languages)) {
    if (!isLang(lang)) continue;
    const t = translator(lang);
    const numbered = (params: string[]) => Object.fromEntries(params.map((p, i) => [p, `{{${i + 1}}}`]));
    for (const [key, spec] of Object.entries(templateSpecs)) {
      const name = config.names[key];
      if (!name) continue;
      const body = fromHtml(render(lang, key, numbered(spec.params), verbatim));
      out.push({
        name,
        language: code,
        body,
        quickReplies: spec.quickReplies.map((k) => t(k)),
        ...(spec.header ? { header: spec.header } : {}),
      });
    }
    if (config.updates) {
      const body = t(updatesTemplate.text);
      out.push({ name: config.updates, language: code, body, quickReplies: [t(updatesTemplate.quickReply)] });
    }
  }
  return out;
}

/** The defaults with what `WHATSAPP_TEMPLATES` changes: names merged key by key, languages replaced. */
export function templateConfig(overrides: Partial<TemplateConfig> = {}): TemplateConfig {
  return {
    names: { ...defaultTemplateConfig.names, ...overrides.names },
    languages: overrides.languages ?? defaultTemplateConfig.languages,
    updates: overrides.updates ?? defaultTemplateConfig.updates,
  };
}
