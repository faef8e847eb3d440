/** How long to wait before try number `attempt` (1-based) of something that failed: doubling, capped. */
export type Backoff = (attempt: number) => number;

export function exponentialBackoff(baseMs: number, maxMs: number): Backoff {
  return (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
