import type { Deadline, TimeSource } from '../../bot/adapters/channels/time-source.js';
import type { Clock } from '../../bot/core/ports.js';

type Pending = { at: number; abort: () => void };

/**
 * The tests' one clock. The app reads it as its Clock (`now()`, a Date); the
 * senders pace, back off and time out on `time`, a TimeSource on the same
 * clock. Nothing waits in real time: a sleep wakes on a later turn of the event
 * loop with the clock moved to its wake-up time (the earliest sleeper first),
 * and a test moves the clock with `advance` or by setting `current`.
 *
 * An API call in flight (a pending deadline) holds the clock short of its
 * deadline: however long the call takes for real, the clock running on never
 * times it out. Only the test moving the clock reaches a deadline, which is
 * how a test makes a hung call time out.
 */
export class VirtualTime implements Clock {
  private ms: number;
  private sleepers: { at: number; wake: () => void }[] = [];
  private readonly deadlines = new Set<Pending>();
  private scheduled = false;

  constructor(start: Date | number = new Date('2026-11-21T09:00:00Z')) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now = (): Date => new Date(this.ms);

  get current(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock to `to` (forwards or back); deadlines and sleepers it reaches go off. */
  set current(to: Date) {
    this.ms = to.getTime();
    for (const d of [...this.deadlines]) if (d.at <= this.ms) this.expire(d);
    this.schedule();
  }

  advance(ms: number): void {
    this.current = new Date(this.ms + ms);
  }

  readonly time: TimeSource = {
    now: () => this.ms,
    sleep: (ms) =>
      new Promise((wake) => {
        this.sleepers.push({ at: this.ms + Math.max(0, ms), wake });
        this.schedule();
      }),
    deadline: (ms): Deadline => {
      const controller = new AbortController();
      const entry: Pending = {
        at: this.ms + ms,
        abort: () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
      };
      this.deadlines.add(entry);
      return {
        signal: controller.signal,
        clear: () => {
          if (this.deadlines.delete(entry)) this.schedule();
        },
      };
    },
  };

  private expire(deadline: Pending): void {
    this.deadlines.delete(deadline);
    deadline.abort();
  }

  private schedule(): void {
    if (this.scheduled || this.sleepers.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const next = Math.min(...this.sleepers.map((s) => s.at));
      // A call in flight holds the clock short of its deadline; clearing the deadline schedules again.
      if (next >= Math.min(...[...this.deadlines].map((d) => d.at))) return;
      this.ms = Math.max(this.ms, next);
      const due = this.sleepers.filter((s) => s.at <= this.ms);
      this.sleepers = this.sleepers.filter((s) => s.at > this.ms);
      for (const s of due) s.wake();
      this.schedule();
    });
  }
}
