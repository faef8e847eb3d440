import { describe, expect, it } from 'vitest';
import type { Alert, CheckIn } from '../../bot/domain/alert.js';
import {
  alarmedMetrics,
  EmfMetrics,
  countingAlerts,
  countingCheckIns,
  metricNames,
  oldestUnacknowledgedAlertMinutes,
} from '../../bot/adapters/metrics.js';
import type { Alerts, CheckIns } from '../../bot/core/ports.js';
import { network } from '../support/seed.js';

const checkIn: CheckIn = {
  elderId: 'e1',
  localDate: '2026-11-23',
  state: 'prompted',
  promptedAt: '2026-11-23T08:00:00.000Z',
  rungsDone: [],
  alerted: [],
};
const alert = (id: string, state: Alert['state'], createdAt: string): Alert => ({
  id,
  kind: 'missedCheckIn',
  state,
  zoneId: 'nord',
  personId: 'e1',
  createdAt,
  notified: [],
});

/** A store whose methods answer as given; the decorators only look at what they return. */
class FakeStore {
  calls: string[] = [];
  created = true;
  async createCheckIn() {
    this.calls.push('createCheckIn');
    return this.created;
  }
  async recordRung() {
    this.calls.push('recordRung');
  }
  async closeCheckIn() {
    return checkIn;
  }
  async getCheckIn() {
    this.calls.push('getCheckIn');
    return checkIn;
  }
  async raise(a: Alert) {
    return { alert: a, created: this.created };
  }
  async acknowledge() {
    return null;
  }
  async resolve() {
    return alert('a', 'resolved', '2026-11-23T08:00:00.000Z');
  }
  async openAlerts(zoneId: string) {
    return zoneId === 'nord'
      ? [
          alert('a', 'open', '2026-11-23T08:00:00.000Z'),
          alert('b', 'acknowledged', '2026-11-23T07:00:00.000Z'),
        ]
      : [];
  }
}

function counter() {
  const counts: Record<string, number> = {};
  return { counts, count: (name: string, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) };
}

describe('counting ports', () => {
  it('count prompts, reminders, missed check-ins (first rung after the reminder) and answers', async () => {
    const store = new FakeStore();
    const { counts, count } = counter();
    const checkIns = countingCheckIns(store as unknown as CheckIns, count, network);
    await checkIns.createCheckIn(checkIn);
    store.created = false;
    await checkIns.createCheckIn(checkIn);
    for (const rung of network.checkIn.ladder) await checkIns.recordRung('e1', '2026-11-23', rung.rung, []);
    await checkIns.closeCheckIn('e1', '2026-11-23', 'fine', 'e1', new Date());
    expect(counts).toEqual({
      [metricNames.checkInsPrompted]: 1,
      [metricNames.checkInRemindersSent]: 1,
      [metricNames.checkInsMissed]: 1,
      [metricNames.checkInsAnswered]: 1,
    });
    // Everything else goes straight through, on the store itself.
    expect(await checkIns.getCheckIn('e1', '2026-11-23')).toBe(checkIn);
    expect(store.calls.at(-1)).toBe('getCheckIn');
  });

  it('count alerts opened (not re-raised), acknowledged and resolved', async () => {
    const store = new FakeStore();
    const { counts, count } = counter();
    const alerts = countingAlerts(store as unknown as Alerts, count);
    await alerts.raise(alert('a', 'open', '2026-11-23T08:00:00.000Z'));
    store.created = false;
    await alerts.raise(alert('a', 'open', '2026-11-23T08:00:00.000Z'));
    await alerts.acknowledge('a', 'm1', new Date());
    await alerts.resolve('a', 'm1', new Date(), 30);
    expect(counts).toEqual({ [metricNames.alertsOpened]: 1, [metricNames.alertsResolved]: 1 });
  });
});

describe('oldestUnacknowledgedAlertMinutes', () => {
  it('is the age of the oldest open alert, acknowledged ones aside, and 0 without any', async () => {
    const store = new FakeStore();
    expect(await oldestUnacknowledgedAlertMinutes(store, network, new Date('2026-11-23T09:15:30.000Z'))).toBe(
      75,
    );
    expect(await oldestUnacknowledgedAlertMinutes({ openAlerts: async () => [] }, network, new Date())).toBe(
      0,
    );
  });
});

describe('EmfMetrics: one log line per invocation', () => {
  const emf = () => {
    const lines: string[] = [];
    const metrics = new EmfMetrics({
      namespace: 'Vicini',
      service: 'tick',
      write: (line) => lines.push(line),
      now: () => 1795420800000,
    });
    return { metrics, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  it('declares only the alarmed figures as metrics, without dimensions; the rest are properties, summed', () => {
    const { metrics, lines, parsed } = emf();
    metrics.addMetric(metricNames.tickLagSeconds, 'Seconds', 0);
    metrics.addMetric(metricNames.checkInsPrompted, 'Count', 1);
    metrics.addMetric(metricNames.checkInsPrompted, 'Count', 1);
    metrics.addMetric('TickTimersFired', 'Count', 3);
    metrics.publishStoredMetrics();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(parsed()[0]).toEqual({
      _aws: {
        Timestamp: 1795420800000,
        CloudWatchMetrics: [
          {
            Namespace: 'Vicini',
            Dimensions: [[]],
            Metrics: [{ Name: metricNames.tickLagSeconds, Unit: 'Seconds' }],
          },
        ],
      },
      service: 'tick',
      [metricNames.tickLagSeconds]: 0,
      [metricNames.checkInsPrompted]: 2,
      TickTimersFired: 3,
    });
  });

  it('writes a plain log line (no metric) when nothing alarmed was added, nothing when nothing was, and starts again after each line', () => {
    const { metrics, lines, parsed } = emf();
    metrics.publishStoredMetrics();
    expect(lines).toEqual([]);
    metrics.addMetric('UpdatesHandled', 'Count', 1);
    metrics.publishStoredMetrics();
    metrics.addMetric(metricNames.oldestUnacknowledgedAlertMinutes, 'Count', 1);
    metrics.publishStoredMetrics();
    const [handled, oldest] = parsed();
    expect(handled).toEqual({ service: 'tick', UpdatesHandled: 1 });
    expect(oldest).toMatchObject({ [metricNames.oldestUnacknowledgedAlertMinutes]: 1 });
    expect(oldest).not.toHaveProperty('UpdatesHandled');
    expect(
      (oldest!._aws as { CloudWatchMetrics: { Metrics: unknown[] }[] }).CloudWatchMetrics[0]!.Metrics,
    ).toEqual([{ Name: metricNames.oldestUnacknowledgedAlertMinutes, Unit: 'Count' }]);
  });

  it('bills two metrics at most: the tick’s lag and the oldest open alert', () => {
    expect([...alarmedMetrics].sort()).toEqual(
      [metricNames.oldestUnacknowledgedAlertMinutes, metricNames.tickLagSeconds].sort(),
    );
  });

  it('keeps the webhooks’ failed and refused updates as log properties, not metrics: their alarms read the Function URLs’ own counts', () => {
    expect(alarmedMetrics.has(metricNames.updatesFailed)).toBe(false);
    expect(alarmedMetrics.has(metricNames.updatesRejected)).toBe(false);
    const { metrics, parsed } = emf();
    metrics.addMetric(metricNames.updatesFailed, 'Count', 1);
    metrics.addMetric(metricNames.updatesRejected, 'Count', 2);
    metrics.publishStoredMetrics();
    expect(parsed()).toEqual([
      { service: 'tick', [metricNames.updatesFailed]: 1, [metricNames.updatesRejected]: 2 },
    ]);
  });
});
