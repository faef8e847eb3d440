import type { DeliveryLog } from '../../bot/adapters/channels/sender-core.js';
import type { Claim } from '../../bot/adapters/store/delivery-log.js';

type Entry = { state: 'sending' | 'sent' | 'failed'; sentReplies: number; leaseUntil: number };

/**
 * The delivery log's rules in memory (claim with a lease, progress, sent, release, keep), for the
 * outbox bench: what it measures is the sender's schedule, not DynamoDB Local on a busy machine.
 * The tests run the sender against the real log on DynamoDB Local.
 */
export function memoryDeliveryLog(): DeliveryLog & { sends: () => number } {
  const entries = new Map<string, Entry>();
  let sent = 0;
  return {
    sends: () => sent,
    async claim(id, now, leaseSeconds): Promise<Claim> {
      const e = entries.get(id);
      if (e?.state === 'sent') return { status: 'sent', sentReplies: e.sentReplies };
      if (e?.state === 'sending' && e.leaseUntil > now.getTime()) return { status: 'busy', sentReplies: 0 };
      const sentReplies = e?.sentReplies ?? 0;
      entries.set(id, { state: 'sending', sentReplies, leaseUntil: now.getTime() + leaseSeconds * 1000 });
      return { status: 'claimed', sentReplies };
    },
    async markProgress(id, sentReplies, now, leaseSeconds) {
      entries.set(id, { state: 'sending', sentReplies, leaseUntil: now.getTime() + leaseSeconds * 1000 });
    },
    async markSent(id) {
      sent++;
      entries.set(id, { state: 'sent', sentReplies: 0, leaseUntil: 0 });
    },
    async release(id) {
      const e = entries.get(id);
      if (e?.state === 'sending') entries.set(id, { ...e, leaseUntil: 0 });
    },
    async keep(message) {
      entries.set(message.id, { state: 'failed', sentReplies: 0, leaseUntil: 0 });
    },
  };
}
