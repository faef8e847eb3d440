import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { OutboundMessage, SendOptions, SendResult } from '../../bot/core/outbound.js';
import { sendQueueBatch, type SqsSender } from '../../bot/adapters/outbox/sqs.js';

/**
 * The outbox's SQS queue, in memory: keeps every entry it is given (in order), may refuse a call
 * as SQS does when it fails, and is drained by `consume` as the outbox sender Lambda drains the
 * real one (records it could not finish stay for the next time).
 */
export class FakeQueue implements SqsSender {
  /** Bodies waiting, in order, with their group (the chat). */
  readonly waiting: { id: string; body: string; group?: string }[] = [];
  /** SendMessageBatch calls made. */
  calls = 0;
  /** While set, every SendMessageBatch throws (SQS unavailable). */
  refusing = false;
  private next = 0;

  async send(command: SendMessageBatchCommand) {
    this.calls++;
    if (this.refusing) {
      const err = new Error('injected: SQS unavailable');
      err.name = 'ServiceUnavailable';
      throw err;
    }
    for (const e of command.input.Entries ?? [])
      this.waiting.push({ id: `sqs-${++this.next}`, body: e.MessageBody ?? '', group: e.MessageGroupId });
    return { Failed: [] };
  }

  /** The outbound messages waiting. */
  messages(): OutboundMessage[] {
    return this.waiting.map((w) => JSON.parse(w.body) as OutboundMessage);
  }

  /** One receive of everything waiting, sent as the outbox sender does; what it must retry stays. */
  async consume(send: (m: OutboundMessage[], o?: SendOptions) => Promise<SendResult>): Promise<void> {
    const records = this.waiting.splice(0);
    const { failures } = await sendQueueBatch(
      records.map((r) => ({ messageId: r.id, body: r.body, attributes: { MessageGroupId: r.group } })),
      (messages) => send(messages, { holdMs: 0 }),
    );
    this.waiting.unshift(...records.filter((r) => failures.includes(r.id)));
  }
}
