import type { TimeSource } from '../../bot/adapters/channels/time-source.js';
import type { OutboundMessage } from '../../bot/core/outbound.js';
import {
  sendQueueBatch,
  type DelayRecords,
  type QueueRecord,
  type QueueSendResult,
} from '../../bot/adapters/outbox/sqs.js';

type Stored = {
  messageId: string;
  group: string;
  body: string;
  /** Epoch ms from when it may be received again; in flight while it is ahead of now. */
  visibleAt: number;
  receives: number;
  handle: number;
};

/**
 * An SQS FIFO queue feeding a Lambda through its event source mapping, as far
 * as the outbox sender sees it: batches of up to 10 records, as many from one
 * message group as there are (SQS's rule), no record of a group while another
 * of that group is in flight, records that fail come back after the visibility
 * timeout unless their visibility was changed, the rest deleted. One consumer
 * at a time (the sender's reserved concurrency is 1). For the outbox bench and
 * tests; nothing of AWS is called.
 */
export class FifoQueueModel {
  private stored: Stored[] = [];
  private handles = 0;
  private sent = 0;
  /** Receives of every record so far, deleted ones included (what counts towards the DLQ). */
  readonly receives = new Map<string, number>();

  constructor(
    private readonly time: TimeSource,
    private readonly visibilityTimeoutMs = 720_000,
  ) {}

  /** Enqueues messages as SqsOutbox does on a FIFO queue: the chat is the message group. */
  enqueue(messages: OutboundMessage[]): void {
    for (const m of messages) {
      this.stored.push({
        messageId: `sqs-${++this.sent}`,
        group: `${m.to.channel}:${m.to.id}`,
        body: JSON.stringify(m),
        visibleAt: -Infinity,
        receives: 0,
        handle: 0,
      });
    }
  }

  get size(): number {
    return this.stored.length;
  }

  /** Up to `max` visible records, the first group's first, each group's in order. */
  receive(max = 10): QueueRecord[] {
    const now = this.time.now();
    const blocked = new Set(this.stored.filter((s) => s.visibleAt > now).map((s) => s.group));
    const byGroup = new Map<string, Stored[]>();
    for (const s of this.stored) {
      if (blocked.has(s.group)) continue;
      byGroup.set(s.group, [...(byGroup.get(s.group) ?? []), s]);
    }
    const out: Stored[] = [];
    for (const group of byGroup.values()) {
      for (const s of group) if (out.length < max) out.push(s);
      if (out.length >= max) break;
    }
    for (const s of out) {
      s.visibleAt = now + this.visibilityTimeoutMs;
      s.receives++;
      s.handle = ++this.handles;
      this.receives.set(s.messageId, s.receives);
    }
    return out.map((s) => ({
      messageId: s.messageId,
      body: s.body,
      receiptHandle: String(s.handle),
      attributes: { MessageGroupId: s.group },
    }));
  }

  /** ChangeMessageVisibility, as the outbox sender calls it for what it hands back. */
  readonly delay: DelayRecords = async (changes) => {
    const now = this.time.now();
    for (const c of changes) {
      const s = this.stored.find((x) => String(x.handle) === c.receiptHandle);
      if (s) s.visibleAt = now + c.seconds * 1000;
    }
  };

  /** When the first record in flight shows again, unblocking its group. */
  private nextVisible(): number {
    const now = this.time.now();
    return Math.min(...this.stored.filter((s) => s.visibleAt > now).map((s) => s.visibleAt));
  }

  /**
   * Runs the consumer until the queue is empty: receive, `sendQueueBatch` with the visibility
   * delay, delete what did not fail. Resolves with the number of batches.
   */
  async consume(send: (messages: OutboundMessage[]) => Promise<QueueSendResult>): Promise<number> {
    let batches = 0;
    while (this.stored.length) {
      const records = this.receive();
      if (!records.length) {
        await this.time.sleep(Math.max(0, this.nextVisible() - this.time.now()));
        continue;
      }
      batches++;
      const result = await sendQueueBatch(records, send, { delay: this.delay, now: this.time.now });
      const failed = new Set(result.failures);
      const done = new Set(records.filter((r) => !failed.has(r.messageId)).map((r) => r.messageId));
      this.stored = this.stored.filter((s) => !done.has(s.messageId));
    }
    return batches;
  }
}
