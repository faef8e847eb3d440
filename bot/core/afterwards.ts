import { exponentialBackoff } from './backoff.js';

export interface AfterwardsOptions {
  /** Tries of each piece before its failure is logged; default 3. */
  tries?: number;
  /** Waits between tries (a virtual clock in tests); default real time. */
  sleep?: (ms: number) => Promise<void>;
  /** Structured log lines: step names and error names only. */
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * Bookkeeping that may finish after the person has the answer: the webhook answers its channel
 * once a turn's replies are taken, then waits here before its invocation ends. Each piece starts
 * when it is added and is tried again after a failure (the channel will not redeliver the update
 * now: it has its 200); a piece that fails every try is logged, never the turn's failure.
 */
export class Afterwards {
  private readonly running = new Set<Promise<void>>();
  private readonly tries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly backoff = exponentialBackoff(100, 1000);

  constructor(options: AfterwardsOptions = {}) {
    this.tries = options.tries ?? 3;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.log = options.log ?? ((entry) => console.error(JSON.stringify(entry)));
  }

  add(what: string, work: () => Promise<unknown>): void {
    const run = this.attempt(what, work);
    this.running.add(run);
    void run.then(() => this.running.delete(run));
  }

  /** Resolves once everything added (including what is added meanwhile) is done. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async attempt(what: string, work: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return;
      } catch (err) {
        if (attempt >= this.tries) {
          this.log({ msg: 'after the answer: failed', what, tries: attempt, error: errorName(err) });
          return;
        }
        await this.sleep(this.backoff(attempt));
      }
    }
  }
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : typeof err);
