import type { WhatsAppContact } from '../../../core/whatsapp-state.js';

/** The 24-hour window, less a margin for the time a message spends in the queue. */
export const windowMs = 24 * 3600_000;
export const windowMarginMs = 10 * 60_000;

/** Open while the person's last message (as stored, or the one this message answers) is recent enough. */
export function windowOpen(contact: WhatsAppContact | null, now: Date, answers?: string): boolean {
  const last = Math.max(
    ...[contact?.lastInboundAt, answers].map((at) => (at ? Date.parse(at) : NaN)).filter(Number.isFinite),
  );
  return Number.isFinite(last) && now.getTime() < last + windowMs - windowMarginMs;
}
