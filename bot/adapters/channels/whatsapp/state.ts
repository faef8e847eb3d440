import type { WhatsAppContact } from '../../../core/whatsapp-state.js';

/** The 24-hour window, less a margin for the time a message spends in the queue. */
export const windowMs = 24 * 3600_000;
export const windowMarginMs = 10 * 60_000;

export function windowOpen(contact: WhatsAppContact | null, now: Date): boolean {
  const last = contact?.lastInboundAt ? Date.parse(contact.lastInboundAt) : NaN;
  return Number.isFinite(last) && now.getTime() < last + windowMs - windowMarginMs;
}
