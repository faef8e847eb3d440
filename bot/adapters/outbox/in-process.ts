import type { OutboundMessage, Outbox } from '../../core/outbound.js';

/**
 * Sends a batch; may name messages to offer again later (a sender's `retry`:
 * busy elsewhere, or the log was unavailable).
 */
export type SendBatch = (messages: OutboundMessage[]) => Promise<{ retry?: string[] } | void>;

export interface InProcessOutboxOptions {
  /** Messages per call of `send`; default 100. */
  batchSize?: number;
  /** Drain in the background on every enqueue (npm start); default off (tests call drain()). */
  autoDrain?: boolean;
  /** Structured log lines: ids, counts and error names only. */
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * The Outbox for local runs and tests: an in-memory queue drained through the
 * sender. On AWS the same port is an SQS queue. A batch whose send throws goes
 * back to the head of the queue; messages the sender asks to retry wait for the
 * next drain, so one drain never spins on them.
 */
export class InProcessOutbox implements Outbox {
  private readonly queue: OutboundMessage[] = [];
  private readonly later: OutboundMessage[] = [];
  private running: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly log: (entry: Record<string, unknown>) => void;

  constructor(
    private readonly send: SendBatch,
    private readonly options: InProcessOutboxOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.log = options.log ?? ((entry) => console.warn(JSON.stringify(entry)));
  }

  async enqueue(messages: OutboundMessage[]): Promise<void> {
    this.queue.push(...messages);
    if (this.options.autoDrain) {
      this.drain().catch((err: unknown) =>
        this.log({ msg: 'outbox drain failed', error: err instanceof Error ? err.name : typeof err }),
      );
    }
  }

  /** Messages waiting: queued, or held back for a retry. */
  get pending(): number {
    return this.queue.length + this.later.length;
  }

  /**
   * Sends everything queued, including what is enqueued meanwhile, and resolves
   * when the queue is empty; rejects if a send throws (that batch stays queued).
   */
  async drain(): Promise<void> {
    this.queue.push(...this.later.splice(0));
    while (this.queue.length > 0 || this.running) {
      this.running ??= this.run().finally(() => (this.running = undefined));
      await this.running;
    }
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      let result: { retry?: string[] } | void;
      try {
        result = await this.send(batch);
      } catch (err) {
        this.queue.unshift(...batch);
        throw err;
      }
      const retry = new Set(result?.retry ?? []);
      if (retry.size > 0) {
        this.later.push(...batch.filter((m) => retry.has(m.id)));
        this.log({ msg: 'outbox messages held for retry', ids: [...retry] });
      }
    }
  }
}
