import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { metricNames, oldestUnacknowledgedAlertMinutes, services } from '../bot/adapters/metrics.js';
import { SqsTickQueue, tickWorkBatch } from '../bot/adapters/aws/tick-queue.js';
import type { TickOptions } from '../bot/app/tick.js';
import { defaultFanOutAbove, tickOrFanOut, workerOptions } from '../bot/app/tick-fan-out.js';
import { lambdaRuntime } from './aws.js';

// Once per cold start: environment, secrets (Secrets Manager on AWS), runtime; a bad variable fails here.
const { runtime, logger, metrics, env } = await lambdaRuntime(services.tick, {
  env: {
    TICK_QUEUE_URL: z.optional(z.url()),
    TICK_GROUPS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(16)), 8),
    TICK_FAN_OUT_ABOVE: z._default(z.coerce.number().check(z.int(), z.minimum(0)), defaultFanOutAbove),
  },
});
const queue =
  env.TICK_QUEUE_URL && new SqsTickQueue(new SQSClient({ region: env.AWS_REGION }), env.TICK_QUEUE_URL);

// EventBridge Scheduler sends the input the schedule names ({ "time": "<aws.scheduler.scheduled-time>" });
// an EventBridge rule's "Scheduled Event" carries `time` too.
const scheduledEvent = z.looseObject({ time: z.iso.datetime({ offset: true }) });

/**
 * Every minute, *now* being the event's `time` (a late or repeated run fires the same timers), this
 * run fires what is due. With a tick queue, a minute with more than `TICK_FAN_OUT_ABOVE` due goes to
 * it instead, one piece of work per group of shards; each comes back here as an SQS record and
 * fires its group's timers.
 */
export async function handler(event: unknown): Promise<unknown> {
  if (queue && isQueueEvent(event)) return work(event);
  const parsed = scheduledEvent.safeParse(event);
  if (!parsed.success) throw new Error('tick: not a scheduled event with a time');
  const now = new Date(parsed.data.time);
  const report = queue
    ? await tickOrFanOut(fire, now, { queue, groups: env.TICK_GROUPS, above: env.TICK_FAN_OUT_ABOVE })
    : await fire(now);
  const oldest = await oldestUnacknowledgedAlertMinutes(runtime.deps.alerts, runtime.deps.network, now);
  metrics.addMetric(metricNames.oldestUnacknowledgedAlertMinutes, MetricUnit.Count, oldest);
  metrics.publishStoredMetrics();
  return report;
}

async function work(event: SQSEvent): Promise<SQSBatchResponse> {
  const { failures, malformed } = await tickWorkBatch(event.Records, (w) =>
    fire(new Date(w.time), workerOptions(w, env.TICK_GROUPS)).catch((err: unknown) => {
      logger.error('tick worker failed', {
        group: w.group,
        error: err instanceof Error ? err.name : 'unknown',
      });
      throw err;
    }),
  );
  if (malformed) logger.error('tick: records that are not tick work, dropped', { malformed });
  metrics.publishStoredMetrics();
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

async function fire(now: Date, options: Partial<TickOptions> = {}) {
  const report = await runtime.tick(now, options);
  const lagSeconds = report.cursor ? Math.max(0, (now.getTime() - Date.parse(report.cursor)) / 1000) : 0;
  metrics.addMetric('TickTimersFired', MetricUnit.Count, report.fired);
  // A heavy minute's lag is the workers' to say (from their cursors); this run's stays behind them.
  if (!report.heavy) metrics.addMetric(metricNames.tickLagSeconds, MetricUnit.Seconds, lagSeconds);
  logger.info('tick', { ...report, lagSeconds });
  return report;
}

const isQueueEvent = (event: unknown): event is SQSEvent =>
  !!event && typeof event === 'object' && Array.isArray((event as { Records?: unknown }).Records);
