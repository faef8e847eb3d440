import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { metricNames, oldestUnacknowledgedAlertMinutes, services } from '../bot/adapters/metrics.js';
import { LambdaTickQueue } from '../bot/adapters/aws/tick-invoke.js';
import { defaultFanOutAbove, tickOrFanOut } from '../bot/app/tick-fan-out.js';
import { lambdaRuntime } from './aws.js';
import { tickRunner } from './tick-run.js';

// Once per cold start: environment, secrets (Secrets Manager on AWS), runtime; a bad variable fails here.
const { runtime, logger, metrics, env } = await lambdaRuntime(services.tick, {
  env: {
    TICK_WORKER_FUNCTION: z.optional(
      z.string().check(z.regex(/^[A-Za-z0-9_:-]{1,140}$/, 'a Lambda function name')),
    ),
    TICK_GROUPS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(16)), 8),
    TICK_FAN_OUT_ABOVE: z._default(z.coerce.number().check(z.int(), z.minimum(0)), defaultFanOutAbove),
  },
});
const workers =
  env.TICK_WORKER_FUNCTION &&
  new LambdaTickQueue(new LambdaClient({ region: env.AWS_REGION }), env.TICK_WORKER_FUNCTION);
const fire = tickRunner(runtime, logger, metrics);

// EventBridge Scheduler sends the input the schedule names ({ "time": "<aws.scheduler.scheduled-time>" });
// an EventBridge rule's "Scheduled Event" carries `time` too.
const scheduledEvent = z.looseObject({ time: z.iso.datetime({ offset: true }) });

/**
 * Every minute, *now* being the event's `time` (a late or repeated run fires the same timers), this
 * run fires what is due. With a worker function, a minute with more than `TICK_FAN_OUT_ABOVE` due
 * goes to it instead: one asynchronous invocation per group of shards (functions/tick-worker.ts).
 */
export async function handler(event: unknown): Promise<unknown> {
  const parsed = scheduledEvent.safeParse(event);
  if (!parsed.success) throw new Error('tick: not a scheduled event with a time');
  const now = new Date(parsed.data.time);
  const report = workers
    ? await tickOrFanOut(fire, now, {
        queue: workers,
        groups: env.TICK_GROUPS,
        above: env.TICK_FAN_OUT_ABOVE,
      })
    : await fire(now);
  const oldest = await oldestUnacknowledgedAlertMinutes(runtime.deps.alerts, runtime.deps.network, now);
  metrics.addMetric(metricNames.oldestUnacknowledgedAlertMinutes, MetricUnit.Count, oldest);
  metrics.publishStoredMetrics();
  return report;
}
