import type { TimeSource } from './time-source.js';

export interface RateLimiterOptions {
  /** Sends per rolling second for the whole bot; default 28, headroom under Telegram's 30. */
  perSecond?: number;
  /** Least gap between two sends to one chat, on average; default 1,050 ms, headroom over Telegram's 1 s. */
  perChatMs?: number;
  /**
   * How many sends one chat may have at once before the gap applies (Telegram allows short
   * bursts): a turn's few replies go out together, a longer run is paced. 1: never a burst.
   */
  perChatBurst?: number;
}

const windowMs = 1000;

/**
 * Keeps a bot within Telegram's broadcast limits: at most `perSecond` sends in
 * any rolling second; per chat, a burst of `perChatBurst` sends, then one per
 * `perChatMs` (a token bucket, kept as the time the chat's bucket is empty);
 * and nothing at all while a 429's retry_after runs (it applies to the bot as a whole).
 *
 * A caller first waits until its chat may receive again, then takes the next
 * global send. Global sends are granted in request order, so a chat that must
 * wait never holds up the others, each at the time it really goes.
 */
export class RateLimiter {
  private readonly perSecond: number;
  private readonly perChatMs: number;
  private readonly perChatBurst: number;
  /** When the last `perSecond` sends were granted, ascending. */
  private readonly granted: number[] = [];
  private slotTail: Promise<void> = Promise.resolve();
  /** Per chat: when its bucket would be full again if nothing more were sent. */
  private readonly chatFull = new Map<string, number>();
  private readonly chatTurns = new Map<string, Promise<void>>();
  private pausedUntil = 0;

  constructor(
    private readonly time: TimeSource,
    options: RateLimiterOptions = {},
  ) {
    this.perSecond = options.perSecond ?? 28;
    this.perChatMs = options.perChatMs ?? 1050;
    this.perChatBurst = options.perChatBurst ?? 1;
    if (!(this.perSecond >= 1)) throw new Error('RateLimiter: perSecond must be at least 1');
  }

  /** Resolves when a send to `chatId` is allowed now; callers for one chat are served in order. */
  async acquire(chatId: string | number): Promise<void> {
    const key = String(chatId);
    const turn = (this.chatTurns.get(key) ?? Promise.resolve()).then(() => this.take(key));
    const tail = turn.then(
      () => undefined,
      () => undefined,
    );
    this.chatTurns.set(key, tail);
    try {
      await turn;
    } finally {
      if (this.chatTurns.get(key) === tail) this.chatTurns.delete(key);
    }
  }

  /** How many sends one chat may have at once before the gap applies. */
  get chatBurst(): number {
    return this.perChatBurst;
  }

  /** The least gap between two sends to one chat once its burst is spent. */
  get chatGapMs(): number {
    return this.perChatMs;
  }

  /**
   * When `chatId`'s own pacing lets its next send go (now or earlier: at once), leaving the
   * bot-wide slots and pauses aside: what a sender asks before it would wait for one chat.
   */
  chatReadyAt(chatId: string | number): number {
    const full = this.chatFull.get(String(chatId)) ?? -Infinity;
    return full - (this.perChatBurst - 1) * this.perChatMs;
  }

  /** How many sends `chatId` may have right now before its pacing holds it (0 to the burst). */
  freeSends(chatId: string | number): number {
    const full = this.chatFull.get(String(chatId)) ?? -Infinity;
    const spent = Math.ceil((full - this.time.now()) / this.perChatMs);
    return Math.max(0, this.perChatBurst - Math.max(0, spent));
  }

  /** Stops every send until `ms` (a 429's retry_after); an earlier pause is never shortened. */
  pauseUntil(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, ms);
  }

  private async take(key: string): Promise<void> {
    for (;;) {
      const now = this.time.now();
      // The bucket has room once it is no more than `burst - 1` sends from full.
      const full = this.chatFull.get(key) ?? -Infinity;
      const ready = Math.max(this.pausedUntil, full - (this.perChatBurst - 1) * this.perChatMs);
      if (ready <= now) break;
      await this.time.sleep(ready - now);
    }
    await this.slot();
    const full = this.chatFull.get(key) ?? -Infinity;
    this.chatFull.set(key, Math.max(full, this.time.now()) + this.perChatMs);
    this.forgetIdleChats();
  }

  /** The next global send, in request order, once the chat is ready. */
  private slot(): Promise<void> {
    const turn = this.slotTail.then(() => this.grant());
    this.slotTail = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Grants a send at the time it really happens, once fewer than `perSecond` were granted in the
   * second before. Slots reserved ahead and slept towards would count a timer that fires late at
   * its planned time, and the calls bunch up (a run at 30/s saw 33 in one second); the granted
   * times are what Telegram counts. A 429 arriving meanwhile holds the grant until it ends.
   */
  private async grant(): Promise<void> {
    for (;;) {
      const now = this.time.now();
      if (now < this.pausedUntil) {
        await this.time.sleep(this.pausedUntil - now);
        continue;
      }
      const oldest = this.granted.length >= this.perSecond ? this.granted[0] : undefined;
      if (oldest !== undefined && oldest + windowMs > now) {
        await this.time.sleep(oldest + windowMs - now);
        continue;
      }
      this.granted.push(now);
      if (this.granted.length > this.perSecond) this.granted.shift();
      return;
    }
  }

  private forgetIdleChats(): void {
    if (this.chatFull.size < 10_000) return;
    const now = this.time.now();
    for (const [key, full] of this.chatFull) if (full <= now) this.chatFull.delete(key);
  }
}
