/**
 * Bookkeeping that may finish after the person has the answer: the webhook answers its channel
 * once a turn's replies are taken, then waits here before its invocation ends. Each piece starts
 * when it is added; a failure is logged (names only), never the turn's, because nothing the person
 * was promised depends on it.
 */
export class Afterwards {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: (entry: Record<string, unknown>) => void = defaultLog) {}

  add(what: string, work: () => Promise<unknown>): void {
    const run = Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        (err: unknown) => this.log({ msg: 'after the answer: failed', what, error: errorName(err) }),
      );
    this.running.add(run);
    void run.then(() => this.running.delete(run));
  }

  /** Resolves once everything added (including what is added meanwhile) is done. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  get pending(): number {
    return this.running.size;
  }
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : typeof err);
const defaultLog = (entry: Record<string, unknown>) => console.error(JSON.stringify(entry));
