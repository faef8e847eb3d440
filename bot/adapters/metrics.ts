import type { Alert } from '../domain/alert.js';
import type { Network } from '../domain/network.js';
import type { Alerts, CheckIns } from '../core/ports.js';

/** Adds to a named count (CloudWatch metrics on AWS; nothing locally). */
export type Count = (metric: string, value?: number) => void;

/** The counts the ports and handlers raise; the stack's alarms read the ones in `alarmedMetrics`. */
export const metricNames = {
  checkInsPrompted: 'CheckInsPrompted',
  checkInsAnswered: 'CheckInsAnswered',
  checkInRemindersSent: 'CheckInRemindersSent',
  checkInsMissed: 'CheckInsMissed',
  alertsOpened: 'AlertsOpened',
  alertsAcknowledged: 'AlertsAcknowledged',
  alertsResolved: 'AlertsResolved',
  tickLagSeconds: 'TickLagSeconds',
  oldestUnacknowledgedAlertMinutes: 'OldestUnacknowledgedAlertMinutes',
  /**
   * A webhook answered 5xx (the update is retried) or 4xx (wrong secret or signature, bad body): log
   * properties only; the alarms read the Function URLs' own Url5xxCount and Url4xxCount.
   */
  updatesFailed: 'UpdatesFailed',
  updatesRejected: 'UpdatesRejected',
} as const;

/** The `service` dimension of each Lambda's metrics (Powertools' serviceName). */
export const services = {
  telegramWebhook: 'telegram-webhook',
  whatsappWebhook: 'whatsapp-webhook',
  tick: 'tick',
  tickWorker: 'tick-worker',
  outboxSender: 'outbox-sender',
} as const;

/** Metrics namespace on CloudWatch. */
export const metricsNamespace = 'Vicini';

/**
 * The figures CloudWatch stores as metrics: the ones an alarm reads, and no
 * others. A custom metric costs $0.30 a month for each name × dimension
 * combination, so they carry no dimension. The webhooks' failed and refused
 * updates are not among them: their alarms read what the Function URLs publish
 * for free (Url5xxCount, Url4xxCount). Every other figure a Lambda counts is a
 * property of the same log line, free, and summed with Logs Insights.
 */
export const alarmedMetrics: ReadonlySet<string> = new Set([
  metricNames.tickLagSeconds,
  metricNames.oldestUnacknowledgedAlertMinutes,
]);

/**
 * One CloudWatch embedded-metric-format (EMF) line per invocation: the figures
 * added since the last line, summed by name, with `service` as a property.
 * Only names in `alarmedMetrics` are declared as metrics; the rest ride along
 * as plain properties, which CloudWatch does not bill as metrics.
 */
export class EmfMetrics {
  readonly #figures = new Map<string, { unit: string; value: number }>();

  constructor(
    private readonly options: {
      namespace: string;
      service: string;
      /** Where the line goes; stdout by default (Lambda's log stream, as one event per line). */
      write?: (line: string) => void;
      now?: () => number;
    },
  ) {}

  /** Adds `value` to the figure `name` (Powertools' signature, so the handlers need not change). */
  addMetric(name: string, unit: string, value: number): void {
    const figure = this.#figures.get(name);
    this.#figures.set(name, { unit, value: (figure?.value ?? 0) + value });
  }

  /** Writes the line and starts again; nothing at all when nothing was added. */
  publishStoredMetrics(): void {
    if (this.#figures.size === 0) return;
    const figures = [...this.#figures];
    this.#figures.clear();
    const metrics = figures
      .filter(([name]) => alarmedMetrics.has(name))
      .map(([name, { unit }]) => ({ Name: name, Unit: unit }));
    const line = {
      ...(metrics.length
        ? {
            _aws: {
              Timestamp: (this.options.now ?? Date.now)(),
              CloudWatchMetrics: [{ Namespace: this.options.namespace, Dimensions: [[]], Metrics: metrics }],
            },
          }
        : {}),
      service: this.options.service,
      ...Object.fromEntries(figures.map(([name, { value }]) => [name, value])),
    };
    (this.options.write ?? ((text: string) => process.stdout.write(text)))(`${JSON.stringify(line)}\n`);
  }
}

/**
 * The check-in store, counting what happened: prompts created, answers, the
 * reminder rung, and missed check-ins (the first rung after the reminder,
 * when someone else is told). A rung recorded twice (a tick re-run) counts
 * twice; the figures are for trends and alarms, not for the books.
 */
export function countingCheckIns<T extends CheckIns>(inner: T, count: Count, network: Network): T {
  const missedRung = network.checkIn.ladder.find((r) => r.rung !== 'reminder')?.rung;
  return decorate<CheckIns, T>(inner, {
    async createCheckIn(checkIn) {
      const created = await inner.createCheckIn(checkIn);
      if (created) count(metricNames.checkInsPrompted);
      return created;
    },
    async openWithPrompt(write) {
      const opened = await inner.openWithPrompt(write);
      if (opened === 'opened') count(metricNames.checkInsPrompted);
      return opened;
    },
    async recordRung(elderId, localDate, rung, alerted, alertId) {
      await inner.recordRung(elderId, localDate, rung, alerted, alertId);
      if (rung === 'reminder') count(metricNames.checkInRemindersSent);
      if (rung === missedRung) count(metricNames.checkInsMissed);
    },
    async closeCheckIn(...args) {
      const closed = await inner.closeCheckIn(...args);
      if (closed) count(metricNames.checkInsAnswered);
      return closed;
    },
  });
}

/** The alert store, counting alerts opened, acknowledged and resolved. */
export function countingAlerts<T extends Alerts>(inner: T, count: Count): T {
  return decorate<Alerts, T>(inner, {
    async raise(alert) {
      const raised = await inner.raise(alert);
      if (raised.created) count(metricNames.alertsOpened);
      return raised;
    },
    async acknowledge(...args) {
      const acked = await inner.acknowledge(...args);
      if (acked) count(metricNames.alertsAcknowledged);
      return acked;
    },
    async resolve(...args) {
      const resolved = await inner.resolve(...args);
      if (resolved) count(metricNames.alertsResolved);
      return resolved;
    },
  });
}

/**
 * `inner` with some methods replaced; every other method (including ones the
 * port gains later) is inherited from it and runs on it.
 */
function decorate<P extends object, T extends P>(inner: T, overrides: Partial<P>): T {
  return Object.assign(Object.create(inner) as T, overrides);
}

/**
 * How long the oldest alert nobody has acknowledged has waited, in minutes
 * (0 when there is none): two small index queries per zone.
 */
export async function oldestUnacknowledgedAlertMinutes(
  alerts: Pick<Alerts, 'openAlerts'>,
  network: Pick<Network, 'zones'>,
  now: Date,
): Promise<number> {
  const lists = await Promise.all(network.zones.map((z) => alerts.openAlerts(z.id)));
  const open = lists.flat().filter((a: Alert) => a.state === 'open');
  const oldest = Math.min(...open.map((a) => Date.parse(a.createdAt)));
  return open.length ? Math.max(0, Math.floor((now.getTime() - oldest) / 60_000)) : 0;
}
