import * as z from 'zod/mini';
import { services } from '../bot/adapters/metrics.js';
import { parseTickWork } from '../bot/adapters/aws/tick-work.js';
import type { TickReport } from '../bot/app/tick.js';
import { workerOptions } from '../bot/app/tick-fan-out.js';
import { lambdaRuntime } from './aws.js';
import { tickRunner } from './tick-run.js';

// Once per cold start; TICK_GROUPS is the scheduled tick's, so a group names the same shards in both.
const { runtime, logger, metrics, env } = await lambdaRuntime(services.tickWorker, {
  env: { TICK_GROUPS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(16)), 8) },
});
const fire = tickRunner(runtime, logger, metrics);

/**
 * One group of shards of a heavy minute, invoked asynchronously by the scheduled tick with
 * `{ time, group }`. It fires the group's timers due up to `time` on the group's cursor. A failure
 * is thrown: Lambda runs the event again (twice), then keeps it in the on-failure queue.
 */
export async function handler(event: unknown): Promise<TickReport> {
  const work = parseTickWork(event);
  try {
    return await fire(new Date(work.time), workerOptions(work, env.TICK_GROUPS));
  } catch (err) {
    logger.error('tick worker failed', {
      group: work.group,
      error: err instanceof Error ? err.name : 'unknown',
    });
    throw err;
  } finally {
    metrics.publishStoredMetrics();
  }
}
