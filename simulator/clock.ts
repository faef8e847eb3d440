import { systemTime, type TimeSource } from '../bot/adapters/channels/time-source.js';
import type { Clock } from '../bot/core/ports.js';

/**
 * The simulator's clock: real time, moved forward by the page's jumps. The bot
 * reads it as its Clock, the sender paces with it, and message dates carry it.
 * It never goes back: the tick's cursor and the timers already fired stay right.
 */
export class SimClock implements Clock {
  private offsetMs: number;

  constructor(
    start?: Date,
    private readonly real: () => number = Date.now,
  ) {
    this.offsetMs = start ? start.getTime() - real() : 0;
  }

  ms(): number {
    return this.real() + this.offsetMs;
  }

  now = (): Date => new Date(this.ms());

  /** Moves the clock to `to` if that is later; returns whether it moved. */
  moveTo(to: Date): boolean {
    if (to.getTime() <= this.ms()) return false;
    this.offsetMs = to.getTime() - this.real();
    return true;
  }

  /** Back to real time: only once the data is emptied, so nothing is left from a later time. */
  restart(): void {
    this.offsetMs = 0;
  }

  /** The sender's time source: its waits and deadlines are real, its "now" is this clock's. */
  readonly time: TimeSource = { ...systemTime, now: () => this.ms() };
}
