import type { OutboundMessage } from './outbound.js';

/** What the bot keeps about one WhatsApp number (on its identity item). */
export interface WhatsAppContact {
  /** When the person last wrote: the 24-hour customer-service window runs from here. */
  lastInboundAt?: string;
  /** The numbered menu last sent as text: button data in order. */
  menu?: string[];
  /** When the "messages are waiting" template was last sent. */
  nudgedAt?: string;
}

/**
 * The WhatsApp channel's own state: the window, the numbered menu, and
 * messages held for someone outside the window until they write again.
 * Every write here is conditional on the number's identity existing, so
 * nothing is kept about a number after its person was erased.
 */
export interface WhatsAppState {
  contact(number: string): Promise<WhatsAppContact | null>;
  /** The person wrote at `at` (never moves the window back). */
  recordInbound(number: string, at: Date): Promise<void>;
  /** WhatsApp said the window is closed (131047): forget the last inbound time. */
  closeWindow(number: string): Promise<void>;
  setMenu(number: string, menu: string[]): Promise<void>;
  /** True for the one caller that should send the "messages are waiting" template since the person last wrote. */
  claimNudge(number: string, at: Date): Promise<boolean>;
  /** Keeps a message for its person until they write again (or it expires). */
  hold(message: OutboundMessage, at: Date): Promise<void>;
  /** Takes the person's held messages, oldest first; each is taken once. */
  takeHeld(personId: string, now: Date): Promise<OutboundMessage[]>;
}
