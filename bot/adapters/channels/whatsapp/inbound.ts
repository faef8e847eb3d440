import * as z from 'zod/mini';
import type { InboundMessage } from '../../../core/inbound.js';
import type { Inbound } from '../../../flows/types.js';
import { elderWords } from '../elder-words.js';
import { voicePrefix, whatsappData } from './render.js';

/**
 * WhatsApp Cloud API webhook payloads (the `messages` field), parsed with zod:
 * the envelope strictly enough to refuse what is not one, each message on its
 * own, so one odd message is answered "I can't read this" instead of failing
 * the batch.
 */
const envelope = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.looseObject({
        changes: z
          .array(
            z.looseObject({
              field: z.string(),
              value: z.looseObject({
                metadata: z.optional(z.looseObject({ phone_number_id: z.string() })),
                contacts: z.optional(
                  z.array(
                    z.looseObject({
                      wa_id: z.optional(z.string()),
                      profile: z.optional(z.looseObject({ name: z.optional(z.string()) })),
                    }),
                  ),
                ),
                messages: z.optional(z.array(z.unknown()).check(z.maxLength(1000))),
                statuses: z.optional(z.array(z.unknown()).check(z.maxLength(1000))),
              }),
            }),
          )
          .check(z.maxLength(100)),
      }),
    )
    .check(z.maxLength(100)),
});

const reply = z.looseObject({ id: z.string().check(z.minLength(1), z.maxLength(256)) });

const message = z.looseObject({
  from: z.string().check(z.regex(/^\d{5,20}$/)),
  id: z.string().check(z.minLength(1), z.maxLength(256)),
  timestamp: z.string().check(z.regex(/^\d{1,12}$/)),
  type: z.string().check(z.maxLength(64)),
  text: z.optional(z.looseObject({ body: z.string() })),
  interactive: z.optional(
    z.looseObject({ type: z.string(), button_reply: z.optional(reply), list_reply: z.optional(reply) }),
  ),
  button: z.optional(z.looseObject({ payload: z.optional(z.string().check(z.maxLength(256))) })),
  location: z.optional(
    z.looseObject({
      latitude: z.number().check(z.minimum(-90), z.maximum(90)),
      longitude: z.number().check(z.minimum(-180), z.maximum(180)),
    }),
  ),
  audio: z.optional(z.looseObject({ id: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,128}$/)) })),
  contacts: z.optional(
    z.array(
      z.looseObject({
        phones: z.optional(
          z.array(
            z.looseObject({
              phone: z.optional(z.string().check(z.maxLength(40))),
              wa_id: z.optional(z.string()),
            }),
          ),
        ),
      }),
    ),
  ),
});

const status = z.looseObject({
  id: z.string().check(z.maxLength(256)),
  status: z.string(),
  recipient_id: z.string().check(z.regex(/^\d{5,20}$/)),
  errors: z.optional(z.array(z.looseObject({ code: z.number().check(z.int()) }))),
});

/** One message a person sent: what the flows get, or nothing to do (a reaction); `held` asks for waiting messages. */
export interface WhatsAppInbound {
  /** The message id (wamid): each is processed once. */
  id: string;
  from: string;
  at: Date;
  message: InboundMessage | null;
  /** The person tapped the button of the "messages are waiting" template. */
  showHeld?: boolean;
}

/** A message of ours that WhatsApp could not deliver. */
export interface DeliveryFailure {
  messageId: string;
  recipient: string;
  code: number;
}

export interface ParsedWebhook {
  messages: WhatsAppInbound[];
  failures: DeliveryFailure[];
  /** Changes for another phone number, messages without sender or id: ignored. */
  ignored: number;
}

/** The elder's two big buttons, typed instead of tapped (in every language, full and short). */
const elderWord = elderWords({ short: true });

/** Longest text a flow ever needs (an address); longer text is cut, and the step then says it is too long. */
const maxText = 1000;

/**
 * A webhook body as messages and delivery failures for our phone number; null
 * when it is not a webhook body. `now` dates a message too malformed to carry a timestamp.
 */
export function parseWebhook(body: unknown, phoneNumberId: string, now: Date): ParsedWebhook | null {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return null;
  const out: ParsedWebhook = { messages: [], failures: [], ignored: 0 };
  for (const entry of parsed.data.entry) {
    for (const { field, value } of entry.changes) {
      if (field !== 'messages' || value.metadata?.phone_number_id !== phoneNumberId) {
        out.ignored += (value.messages?.length ?? 0) + (value.statuses?.length ?? 0);
        continue;
      }
      const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
      for (const raw of value.messages ?? []) {
        const m = message.safeParse(raw);
        if (!m.success) {
          const loose = z.looseObject({ from: message.shape.from, id: message.shape.id }).safeParse(raw);
          if (loose.success)
            out.messages.push(inbound(loose.data.id, loose.data.from, now, { kind: 'unsupported' }, names));
          else out.ignored++;
          continue;
        }
        out.messages.push(toInbound(m.data, names));
      }
      for (const raw of value.statuses ?? []) {
        const s = status.safeParse(raw);
        if (!s.success || s.data.status !== 'failed') continue;
        for (const e of s.data.errors ?? []) {
          out.failures.push({ messageId: s.data.id, recipient: s.data.recipient_id, code: e.code });
        }
      }
    }
  }
  return out;
}

function inbound(
  id: string,
  from: string,
  at: Date,
  input: Inbound | null,
  names: Map<string | undefined, string | undefined>,
): WhatsAppInbound {
  const firstName = names.get(from)?.trim();
  return {
    id,
    from,
    at,
    message: input && {
      ref: { channel: 'whatsapp', id: from },
      hints: firstName ? { firstName } : {},
      input,
    },
  };
}

function toInbound(
  m: z.infer<typeof message>,
  names: Map<string | undefined, string | undefined>,
): WhatsAppInbound {
  const at = new Date(Number(m.timestamp) * 1000);
  const data = m.interactive?.button_reply?.id ?? m.interactive?.list_reply?.id ?? m.button?.payload;
  if ((m.type === 'interactive' || m.type === 'button') && data === whatsappData.showHeld) {
    return { ...inbound(m.id, m.from, at, null, names), showHeld: true };
  }
  return inbound(m.id, m.from, at, toInput(m, data), names);
}

function toInput(m: z.infer<typeof message>, data: string | undefined): Inbound | null {
  switch (m.type) {
    case 'text':
      return m.text ? textInput(m.text.body) : { kind: 'unsupported' };
    case 'interactive':
    case 'button':
      if (data === whatsappData.ownNumber) return { kind: 'contact', phone: `+${m.from}`, own: true };
      return data ? { kind: 'button', data } : { kind: 'unsupported' };
    case 'location':
      return m.location
        ? { kind: 'location', lat: m.location.latitude, lon: m.location.longitude }
        : { kind: 'unsupported' };
    case 'audio':
      return m.audio
        ? { kind: 'voice', fileId: `${voicePrefix}${m.audio.id}`, seconds: 0 }
        : { kind: 'unsupported' };
    case 'contacts': {
      const phones = (m.contacts ?? []).flatMap((c) => c.phones ?? []);
      const own = phones.find((p) => p.wa_id === m.from);
      const phone = (own ?? phones[0])?.phone;
      return phone ? { kind: 'contact', phone, own: !!own } : { kind: 'unsupported' };
    }
    case 'reaction':
      // A reaction to one of our messages is not an answer to anything.
      return null;
    default:
      return { kind: 'unsupported' };
  }
}

function textInput(text: string): Inbound {
  const command = /^\/([A-Za-z]{1,32})(?:@\S*)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (command)
    return {
      kind: 'command',
      command: command[1]!.toLowerCase(),
      arg: (command[2] ?? '').trim().slice(0, 64),
    };
  const button = elderWord(text.trim());
  if (button) return { kind: 'button', data: button };
  return { kind: 'text', text: text.length > maxText ? text.slice(0, maxText + 1) : text };
}

/** A typed "2" (or "2.", " 2 ") as the second choice of the numbered menu last sent, if there is one. */
export function menuChoice(text: string, menu: readonly string[] | undefined): string | null {
  const match = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (!match || !menu) return null;
  return menu[Number(match[1]) - 1] ?? null;
}
