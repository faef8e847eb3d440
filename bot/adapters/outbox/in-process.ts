import type { OutboundMessage, Outbox, SendOptions } from '../../core/outbound.js';

/** How the outbox waits for what is due later (the senders' TimeSource fits); tests pass a virtual one. */
export interface OutboxTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: OutboxTime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Sends a batch; may name messages to offer again later: `retry` (busy elsewhere, or the log was
 * unavailable) and `later` (one chat's pacing would have held them: due from `at`).
 */
export type SendBatch = (
  messages: OutboundMessage[],
  options?: SendOptions,
) => Promise<{ retry?: string[]; later?: { id: string; at: number }[] } | void>;

export interface InProcessOutboxOptions {
  /** Messages per call of `send`; default 100. */
  batchSize?: number;
  /** Drain in the background on every enqueue (npm start); default off (tests call drain()). */
  autoDrain?: boolean;
  /** Structured log lines: ids, counts and error names only. */
  log?: (entry: Record<string, unknown>) => void;
  /** Waits for a chat's messages handed back for later (tests pass a virtual one); default real time. */
  time?: OutboxTime;
}

/** One chat's messages handed back by the sender, in order, each due from its `at`. */
type Waiting = { message: OutboundMessage; at: number }[];

/**
 * The Outbox for local runs and tests: an in-memory queue drained through the
 * sender. On AWS the same port is an SQS queue. A batch whose send throws goes
 * back to the head of the queue; messages the sender asks to retry wait for the
 * next drain, so one drain never spins on them. The sender never waits for one
 * chat's pacing (`holdMs: 0`): what it hands back waits here, per chat, until
 * due, and whatever is enqueued for that chat meanwhile waits behind it, so a
 * chat's order holds while the other chats go on at full rate.
 */
export class InProcessOutbox implements Outbox {
  private readonly queue: OutboundMessage[] = [];
  private readonly later: OutboundMessage[] = [];
  private readonly waiting = new Map<string, Waiting>();
  /** Due messages taken from `waiting`: they go out even while later ones of their chat still wait. */
  private readonly released = new Set<OutboundMessage>();
  private running: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly time: OutboxTime;

  constructor(
    private readonly send: SendBatch,
    private readonly options: InProcessOutboxOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.log = options.log ?? ((entry) => console.warn(JSON.stringify(entry)));
    this.time = options.time ?? realTime;
  }

  async enqueue(messages: OutboundMessage[]): Promise<void> {
    this.queue.push(...messages);
    if (this.options.autoDrain) {
      this.drain().catch((err: unknown) =>
        this.log({ msg: 'outbox drain failed', error: err instanceof Error ? err.name : typeof err }),
      );
    }
  }

  /** Messages waiting: queued, paced for later, or held back for a retry. */
  get pending(): number {
    let paced = 0;
    for (const w of this.waiting.values()) paced += w.length;
    return this.queue.length + this.later.length + paced;
  }

  /**
   * Sends everything queued, including what is enqueued meanwhile and what a
   * chat's pacing handed back (waiting until it is due), and resolves when the
   * queue is empty; rejects if a send throws (that batch stays queued).
   */
  async drain(): Promise<void> {
    this.queue.push(...this.later.splice(0));
    while (this.queue.length > 0 || this.waiting.size > 0 || this.running) {
      if (!this.running && this.queue.length === 0) await this.untilDue();
      this.running ??= this.run().finally(() => (this.running = undefined));
      await this.running;
    }
  }

  private async run(): Promise<void> {
    for (this.takeDue(); this.queue.length > 0; this.takeDue()) {
      const batch = this.queue.splice(0, this.batchSize).filter((m) => !this.waitBehind(m));
      if (batch.length === 0) continue;
      let result: Awaited<ReturnType<SendBatch>>;
      try {
        result = await this.send(batch, { holdMs: 0 });
      } catch (err) {
        this.queue.unshift(...batch);
        throw err;
      }
      const retry = new Set(result?.retry ?? []);
      if (retry.size > 0) {
        this.later.push(...batch.filter((m) => retry.has(m.id)));
        this.log({ msg: 'outbox messages held for retry', ids: [...retry] });
      }
      this.waitAgain(batch, result?.later ?? []);
    }
  }

  /** A message fresh from the queue for a chat with messages waiting goes behind them. */
  private waitBehind(message: OutboundMessage): boolean {
    if (this.released.delete(message)) return false;
    const waiting = this.waiting.get(chatOf(message));
    if (!waiting) return false;
    waiting.push({ message, at: waiting.at(-1)?.at ?? 0 });
    return true;
  }

  /**
   * What the sender handed back comes before whatever still waits for its chat (only what was
   * already waiting when the batch left can be there), and nothing is due before what precedes it.
   */
  private waitAgain(batch: OutboundMessage[], later: { id: string; at: number }[]): void {
    const byId = new Map(batch.map((m) => [m.id, m]));
    const back = new Map<string, Waiting>();
    for (const { id, at } of later) {
      const message = byId.get(id);
      if (!message) continue;
      const key = chatOf(message);
      back.set(key, [...(back.get(key) ?? []), { message, at }]);
    }
    for (const [key, front] of back) {
      const all = [...front, ...(this.waiting.get(key) ?? [])];
      let at = 0;
      this.waiting.set(
        key,
        all.map((w) => ({ message: w.message, at: (at = Math.max(at, w.at)) })),
      );
    }
  }

  /** Moves each chat's due messages, in order, to the queue's head (they were first). */
  private takeDue(): void {
    const now = this.time.now();
    const due: OutboundMessage[] = [];
    for (const [key, waiting] of this.waiting) {
      while (waiting.length && (waiting[0]?.at ?? 0) <= now) due.push(waiting.shift()!.message);
      if (waiting.length === 0) this.waiting.delete(key);
    }
    for (const m of due) this.released.add(m);
    this.queue.unshift(...due);
  }

  /** Sleeps until the first chat's waiting message is due. */
  private async untilDue(): Promise<void> {
    let first = Infinity;
    for (const waiting of this.waiting.values()) first = Math.min(first, waiting[0]?.at ?? Infinity);
    const ms = first - this.time.now();
    if (ms > 0 && Number.isFinite(ms)) await this.time.sleep(ms);
    this.takeDue();
  }
}

const chatOf = (m: OutboundMessage) => `${m.to.channel}:${m.to.id}`;
