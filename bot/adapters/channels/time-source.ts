/** Milliseconds, waits and call deadlines, injected so tests run on a virtual clock and never sleep. */
export interface TimeSource {
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * A signal that aborts once `ms` have passed: an API call's timeout. Clear it when the call is over
   * (a virtual clock holds still while a call is in flight).
   */
  deadline(ms: number): Deadline;
}

export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

/** Real time, for production. */
export const systemTime: TimeSource = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  // AbortSignal.timeout's timer does not keep the process alive, so there is nothing to clear.
  deadline: (ms) => ({ signal: AbortSignal.timeout(ms), clear: () => undefined }),
};
