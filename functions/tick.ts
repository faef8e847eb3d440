import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { metricNames, oldestUnacknowledgedAlertMinutes, services } from '../bot/adapters/metrics.js';
import { lambdaRuntime } from './aws.js';

// Once per cold start: environment, secrets (Secrets Manager on AWS), runtime; a bad variable fails here.
const { runtime, logger, metrics } = await lambdaRuntime(services.tick);

// EventBridge Scheduler sends the input the schedule names ({ "time": "<aws.scheduler.scheduled-time>" });
// an EventBridge rule's "Scheduled Event" carries `time` too.
const scheduledEvent = z.looseObject({ time: z.iso.datetime({ offset: true }) });

/** Every minute: *now* is the event's `time`, not the clock, so a late or repeated run fires the same timers. */
export async function handler(event: unknown) {
  const parsed = scheduledEvent.safeParse(event);
  if (!parsed.success) throw new Error('tick: not a scheduled event with a time');
  const now = new Date(parsed.data.time);
  const report = await runtime.tick(now);
  const { deps } = runtime;
  const lagSeconds = report.cursor ? Math.max(0, (now.getTime() - Date.parse(report.cursor)) / 1000) : 0;
  metrics.addMetric('TickTimersFired', MetricUnit.Count, report.fired);
  metrics.addMetric(metricNames.tickLagSeconds, MetricUnit.Seconds, lagSeconds);
  const oldest = await oldestUnacknowledgedAlertMinutes(deps.alerts, deps.network, now);
  metrics.addMetric(metricNames.oldestUnacknowledgedAlertMinutes, MetricUnit.Count, oldest);
  metrics.publishStoredMetrics();
  logger.info('tick', { ...report, lagSeconds });
  return report;
}
