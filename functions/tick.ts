import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { metricNames, oldestUnacknowledgedAlertMinutes, services } from '../bot/adapters/metrics.js';
import { SqsTickQueue, tickWorkBatch } from '../bot/adapters/aws/tick-queue.js';
import { fanOutTick, workerOptions } from '../bot/app/tick-fan-out.js';
import { lambdaRuntime } from './aws.js';

// Once per cold start: environment, secrets (Secrets Manager on AWS), runtime; a bad variable fails here.
const { runtime, logger, metrics, env } = await lambdaRuntime(services.tick, {
  env: { TICK_QUEUE_URL: z.url().optional(), TICK_GROUPS: z.coerce.number().int().min(1).max(16).default(8) },
});
const queue =
  env.TICK_QUEUE_URL && new SqsTickQueue(new SQSClient({ region: env.AWS_REGION }), env.TICK_QUEUE_URL);

// EventBridge Scheduler sends the input the schedule names ({ "time": "<aws.scheduler.scheduled-time>" });
// an EventBridge rule's "Scheduled Event" carries `time` too.
const scheduledEvent = z.looseObject({ time: z.iso.datetime({ offset: true }) });

/**
 * Every minute, *now* being the event's `time` (a late or repeated run fires the same timers): with
 * a tick queue, one piece of work per group of shards goes to it; each comes back here as an SQS
 * record and fires its group's timers. Without one, this run fires them all.
 */
export async function handler(event: unknown): Promise<unknown> {
  if (queue && isQueueEvent(event)) return work(event);
  const parsed = scheduledEvent.safeParse(event);
  if (!parsed.success) throw new Error('tick: not a scheduled event with a time');
  const now = new Date(parsed.data.time);
  const report = queue
    ? { handedOut: (await fanOutTick(now, env.TICK_GROUPS, queue)).length }
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

async function fire(now: Date, options = {}) {
  const report = await runtime.tick(now, options);
  const lagSeconds = report.cursor ? Math.max(0, (now.getTime() - Date.parse(report.cursor)) / 1000) : 0;
  metrics.addMetric('TickTimersFired', MetricUnit.Count, report.fired);
  metrics.addMetric(metricNames.tickLagSeconds, MetricUnit.Seconds, lagSeconds);
  logger.info('tick', { ...report, lagSeconds });
  return report;
}

const isQueueEvent = (event: unknown): event is SQSEvent =>
  !!event && typeof event === 'object' && Array.isArray((event as { Records?: unknown }).Records);
