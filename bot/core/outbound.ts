import type { ChannelRef } from '../domain/person.js';
import type { ActionButton, Param, Reply } from '../flows/types.js';

/**
 * A message sent outside a conversation turn (check-in prompts, ladder rungs,
 * alerts, notifications), through the Outbox. Its id is deterministic for the
 * effect it belongs to (e.g. `<timer id>:<person id>:<n>`), so enqueuing it
 * twice sends it once.
 */
export interface OutboundMessage {
  id: string;
  to: ChannelRef;
  personId: string;
  lang: string;
  replies: Reply[];
  /** Emergencies pass quiet hours; everything else to elders and volunteers waits for them to end. */
  emergency?: boolean;
  /** The person is in a conversation right now (pressed a button): quiet hours do not hold it. */
  awake?: boolean;
  /**
   * When the person wrote what this answers (ISO): on WhatsApp the 24-hour window is open from then,
   * whatever is stored (after an erasure nothing is, yet the goodbye still goes out).
   */
  answers?: string;
  /**
   * Its delivery-log record was written claimed by the turn's commit until this time (epoch ms),
   * for this process to send without a claim of its own: only on the first try, and only while
   * that claim holds; after that it is claimed as any other. Never stored or queued.
   */
  claimed?: number;
  /** Edit this earlier message (its id in the chat) instead of sending a new one. */
  edit?: number;
  /**
   * Deletes the message `edit` instead of editing it (Telegram, e.g. an elder's voice note once the
   * task ends; WhatsApp cannot delete, so such a message never goes there). One that is gone already
   * or too old for Telegram to delete (48 hours) is left as it is.
   */
  remove?: boolean;
  /** An edit Telegram refuses (too old, gone) is sent as a new message instead (a presser's answer). */
  editOrSend?: boolean;
  /** Report where the message landed (`DeliveryEvents.delivered`), so it can be edited later. */
  track?:
    | { requestId: string; field: 'offer' | 'assigned'; volunteerId: string }
    /** An alert card of a round (0 the first, then each escalation), kept to be edited on the alert's next change. */
    | { alertId: string; round: number }
    /** A message of a mediator's broadcast: its outcome counts in the delivery report she gets. */
    | { broadcastId: string; by: string }
    /** An elder's daily prompt: the check-in learns when the sender was done with it (the ladder counts from then). */
    | { checkInOf: string; localDate: string };
  /** The people this message is about (beyond its recipient): erased with them, dropped once they are gone. */
  about?: string[];
  /**
   * Carries personal data read live: held or kept without its replies, and rendered again when it can
   * go out, only if it still may (the request still assigned to this volunteer).
   */
  live?: LiveContent;
  /**
   * A live card that may go inside a digest instead of as itself (several waiting for one chat):
   * its line there, and the button that opens the card itself, as it stands when pressed. It names
   * whom the card is about, so it is dropped with the card's replies wherever the message is parked.
   */
  digestLine?: DigestLine;
}

/** A card as one line of a digest: what its first line says, and a button that opens it. */
export interface DigestLine {
  text: Param;
  /** The digest numbers its lines: the label gets the line's number as `n` beside its own params. */
  open: ActionButton;
}

export type LiveContent =
  | { kind: 'assignment'; requestId: string; volunteerId: string }
  /** A mediator's alert card (address, phone, what the elder wrote): rendered again while the alert is not closed. */
  | { kind: 'alertCard'; alertId: string; escalated?: boolean };

/** A message as it may be parked (held or kept): personal data is never parked, only where to fetch it. */
export function parked(message: OutboundMessage): OutboundMessage {
  // A claim made for one process's first try never outlives it; a digest line names whom it is about.
  const { claimed: _claimed, digestLine: _line, ...kept } = message;
  return kept.live ? { ...kept, replies: [] } : kept;
}

/** Hands messages to the sender: an in-process queue locally, SQS on AWS. */
export interface Outbox {
  enqueue(messages: OutboundMessage[]): Promise<void>;
}

/** What a channel's sender did with a batch of messages (ids in each list). */
export interface SendResult {
  /** Delivered by this call. */
  sent: string[];
  /** Delivered before, or held by another sender right now ('busy', also listed in `retry`). */
  skipped: string[];
  /** Kept in the delivery log as failed; `events.undeliverable` was raised. */
  failed: string[];
  /** The person blocked the bot or deleted the account; `events.unreachable` was raised. */
  unreachable: string[];
  /** WhatsApp, outside the 24-hour window with no template: kept for the person until they write again. */
  held: string[];
  /** Not finished here (busy elsewhere, or the log or the credentials failed): offer these again later. */
  retry: string[];
  /**
   * Not tried: the chat's pacing would have held them (a backlog to one person), and the call
   * was told not to wait for one chat. Offer each again from `at` (epoch ms), in this order.
   */
  later: { id: string; at: number }[];
}

/** A SendResult with nothing in it yet. */
export function emptySendResult(): SendResult {
  return { sent: [], skipped: [], failed: [], unreachable: [], held: [], retry: [], later: [] };
}

/** How a call of the sender may go about one chat's pacing. */
export interface SendOptions {
  /**
   * How long one chat's pacing may hold its next message before the rest of that chat's messages
   * are handed back as `later` (an outbox offers them again); default: wait, however long.
   */
  holdMs?: number;
  /**
   * Told of each message as soon as its channel has taken all its replies, before the delivery
   * log records it (which may still fail: the message then comes back in `retry`, as ever).
   */
  accepted?: (id: string) => void;
}

/** What the sender reports back to the use cases. */
export interface DeliveryEvents {
  /** The channel says the person cannot be reached (blocked the bot, deleted the account). */
  unreachable(personId: string, message: OutboundMessage): Promise<void>;
  /** Retries are spent: the message is kept and must surface as an alert. */
  undeliverable(message: OutboundMessage, reason: string): Promise<void>;
  /**
   * A tracked message was sent: `ref` is "chat:message" of its first reply, or, with `part`
   * 'voice', of a voice note among its later replies (a channel that can delete it reports it).
   */
  delivered(message: OutboundMessage, ref: string, part?: 'voice'): Promise<void>;
  /** A tracked message was held for the person (WhatsApp, outside the window with no template). */
  held?(message: OutboundMessage): Promise<void>;
}

/**
 * Where a sent message landed, as kept for a later edit: "<chat>:<message id>"
 * on Telegram (the form stored before WhatsApp existed), "whatsapp/<number>:0"
 * on WhatsApp, which cannot edit (an edit is then a new message).
 */
export function messageRef(to: ChannelRef, messageId: number | string): string {
  return to.channel === 'telegram' ? `${to.id}:${messageId}` : `${to.channel}/${to.id}:${messageId}`;
}

/** The chat and message id of a `messageRef`; `edit` is undefined where the channel cannot edit. */
export function parseMessageRef(chat: string, messageId: string): { to: ChannelRef; edit?: number } {
  const slash = chat.indexOf('/');
  if (slash < 0) return { to: { channel: 'telegram', id: chat }, edit: Number(messageId) };
  return { to: { channel: chat.slice(0, slash) as ChannelRef['channel'], id: chat.slice(slash + 1) } };
}
