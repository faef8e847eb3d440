import type { OutboundMessage, Outbox } from '../../core/outbound.js';
import type { SendBatch } from './in-process.js';

export interface AnswerFirstOptions {
  /**
   * How long one chat's pacing may hold an answer here before it goes to the queue instead
   * (someone who pressed twice within a second); default 1,500 ms.
   */
  holdMs?: number;
  /** Structured log lines: ids, counts and error names only. */
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * The outbox of a webhook on AWS. The answers to the person who just wrote (the messages that
 * carry `answers`) are sent at once from this process, through the sender and the delivery log
 * the queue's consumer uses too, so each still goes out once whoever sends it; everything else
 * (notices to other people) goes to the queue. Whatever the direct send does not finish (another
 * sender holds it, the channel kept failing, the chat's pacing, the log failed) goes to the queue
 * as well, to be sent from there.
 *
 * `enqueue` resolves once every message is safe: taken by its channel, done otherwise (kept,
 * unreachable, held), or in the queue; so the turn record can be settled while the delivery log
 * records the sends. `drain` waits for those records, and for the messages handed to the queue.
 * If the queue refuses them too, `enqueue` rejects: the turn is not settled and its update is
 * answered 500, so the channel's redelivery sends them from the turn record.
 */
export class AnswerFirstOutbox implements Outbox {
  private readonly running = new Set<Promise<void>>();
  private readonly holdMs: number;
  private readonly log: (entry: Record<string, unknown>) => void;

  constructor(
    private readonly send: SendBatch,
    private readonly queue: Outbox,
    options: AnswerFirstOptions = {},
  ) {
    this.holdMs = options.holdMs ?? 1500;
    this.log = options.log ?? ((entry) => console.warn(JSON.stringify(entry)));
  }

  async enqueue(messages: OutboundMessage[]): Promise<void> {
    const answers = messages.filter((m) => m.answers !== undefined);
    const rest = messages.filter((m) => m.answers === undefined);
    await Promise.all([
      rest.length ? this.queue.enqueue(rest) : undefined,
      answers.length ? this.sendNow(answers) : undefined,
    ]);
  }

  /** Waits until every direct send is recorded, or its leftovers are in the queue. */
  async drain(): Promise<void> {
    while (this.running.size > 0) {
      const failed = (await Promise.allSettled([...this.running])).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** Resolves once each message is taken by its channel or finished; rejects if the queue refuses leftovers. */
  private sendNow(messages: OutboundMessage[]): Promise<void> {
    const waiting = new Set(messages.map((m) => m.id));
    let safe!: () => void;
    const allSafe = new Promise<void>((resolve) => (safe = resolve));
    const accepted = (id: string) => {
      waiting.delete(id);
      if (waiting.size === 0) safe();
    };
    const run = this.sendThenQueue(messages, accepted);
    this.running.add(run);
    void run.then(
      () => this.running.delete(run),
      () => this.running.delete(run),
    );
    return Promise.race([allSafe, run]);
  }

  private async sendThenQueue(messages: OutboundMessage[], accepted: (id: string) => void): Promise<void> {
    let back: OutboundMessage[];
    try {
      const result = await this.send(messages, { holdMs: this.holdMs, accepted });
      const again = new Set([...(result?.retry ?? []), ...(result?.later ?? []).map((l) => l.id)]);
      back = messages.filter((m) => again.has(m.id));
    } catch (err) {
      this.log({ msg: 'answer send failed', error: err instanceof Error ? err.name : typeof err });
      back = messages;
    }
    if (back.length === 0) return;
    this.log({ msg: 'answers handed to the queue', ids: back.map((m) => m.id) });
    await this.queue.enqueue(back);
  }
}
