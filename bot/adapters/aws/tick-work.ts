import * as z from 'zod/mini';
import type { TickWork } from '../../core/ports.js';

/**
 * The tick worker's event: the payload the scheduled run's hand-off sent (`LambdaTickQueue`).
 * Apart from the adapter, so the worker's bundle carries no Lambda client.
 */
const workShape = z.strictObject({
  time: z.iso.datetime({ offset: true }),
  group: z.number().check(z.int(), z.nonnegative()),
});

/** An event that is not tick work: the worker fails on it, and Lambda keeps it in the on-failure queue. */
export class NotTickWorkError extends Error {
  override name = 'NotTickWorkError';
}

/** The worker's event as tick work; `NotTickWorkError` if it is not. */
export function parseTickWork(event: unknown): TickWork {
  const parsed = workShape.safeParse(event);
  if (!parsed.success) throw new NotTickWorkError('tick worker: the event is not { time, group }');
  return parsed.data;
}
