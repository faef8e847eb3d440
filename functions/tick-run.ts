import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import { metricNames, type EmfMetrics } from '../bot/adapters/metrics.js';
import type { TickOptions, TickReport } from '../bot/app/tick.js';

/**
 * One tick run with its log line and metrics, as the scheduled tick and the tick worker both make
 * it: the timers fired, and the lag of the cursor it ran on.
 */
export function tickRunner(
  runtime: { tick(now: Date, options?: Partial<TickOptions>): Promise<TickReport> },
  logger: Logger,
  metrics: Pick<EmfMetrics, 'addMetric'>,
): (now: Date, options?: Partial<TickOptions>) => Promise<TickReport> {
  return async (now, options = {}) => {
    const report = await runtime.tick(now, options);
    const lagSeconds = report.cursor ? Math.max(0, (now.getTime() - Date.parse(report.cursor)) / 1000) : 0;
    metrics.addMetric('TickTimersFired', MetricUnit.Count, report.fired);
    // A heavy minute's lag is the workers' to say (from their cursors); this run's stays behind them.
    if (!report.heavy) metrics.addMetric(metricNames.tickLagSeconds, MetricUnit.Seconds, lagSeconds);
    logger.info('tick', { ...report, lagSeconds });
    return report;
  };
}
