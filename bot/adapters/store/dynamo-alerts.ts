import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../../domain/alert.js';
import type { Alerts } from '../../core/ports.js';
import { alertList, entity, keys } from './keys.js';
import { attr } from './table.js';
import { epoch, expired, fromItem, ifConditionFails } from './items.js';
import { TableAdapter } from './table-adapter.js';

/**
 * Alerts on the one table (`ALERT#<id>`), listed on GSI1 by zone and state, with a
 * pointer in the person's partition so export and erasure find them.
 */
export class DynamoAlerts extends TableAdapter implements Alerts {
  /** `now` is the app's clock: reads skip alerts whose TTL has passed. */
  constructor(
    doc: DynamoDBDocumentClient,
    table: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(doc, table);
  }

  private alertItem(a: Alert): Record<string, unknown> {
    const { notified, ...rest } = a;
    return {
      ...keys.alert(a.id),
      [attr.entity]: entity.alert,
      [attr.gsi1pk]: alertList.zone(a.zoneId),
      [attr.gsi1sk]: alertList.sort(a.state, a.createdAt, a.id),
      ...rest,
      ...(notified.length ? { notified: new Set(notified) } : {}),
    };
  }

  raise(alert: Alert): Promise<{ alert: Alert; created: boolean }> {
    const created = async () => {
      await this.putItem(this.alertItem(alert), { ConditionExpression: 'attribute_not_exists(PK)' });
      // A pointer in the person's partition: erasure and export find their alerts.
      await this.putItem({ ...keys.alertRef(alert.personId, alert.id), [attr.entity]: 'alertRef' });
      return { alert, created: true };
    };
    return ifConditionFails(created(), async () => ({
      alert: (await this.getAlert(alert.id))!,
      created: false,
    }));
  }

  /** The alert, or null when there is none or it expired after resolution (DynamoDB deletes late). */
  async getAlert(id: string): Promise<Alert | null> {
    const item = await this.getItem(keys.alert(id), true);
    if (!item || expired(item, this.now())) return null;
    return withNotified(fromItem<Alert>(item));
  }

  async addNotified(id: string, mediatorIds: string[]): Promise<void> {
    if (!mediatorIds.length) return;
    await this.updateItem({
      Key: keys.alert(id),
      UpdateExpression: 'ADD notified :ids',
      ExpressionAttributeValues: { ':ids': new Set(mediatorIds) },
    });
  }

  async recordCard(id: string, entry: string): Promise<void> {
    const update = this.updateItem({
      Key: keys.alert(id),
      UpdateExpression: 'ADD cards :c',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':c': new Set([entry]) },
    });
    // The alert is gone (erased with its person): nothing to remember.
    await ifConditionFails(update, () => undefined);
  }

  private async move(
    id: string,
    from: string[],
    to: 'acknowledged' | 'resolved',
    by: string,
    at: Date,
    retentionDays = 0,
  ) {
    const current = await this.getAlert(id);
    if (!current || !from.includes(current.state)) return null;
    const who =
      to === 'acknowledged'
        ? { ackBy: by, ackAt: at.toISOString() }
        : { resolvedBy: by, resolvedAt: at.toISOString() };
    // A resolved alert leaves the table after the network's retention period.
    const ttl = to === 'resolved' ? { [attr.ttl]: epoch(at) + retentionDays * 86400 } : {};
    const set = { ...who, ...ttl };
    const update = this.updateItem({
      Key: keys.alert(id),
      UpdateExpression: `SET #state = :to, #gsk = :gsk, ${Object.keys(set)
        .map((k) => `#${k} = :${k}`)
        .join(', ')}`,
      ConditionExpression: '#state = :from',
      ExpressionAttributeNames: {
        '#state': 'state',
        '#gsk': attr.gsi1sk,
        ...Object.fromEntries(Object.keys(set).map((k) => [`#${k}`, k])),
      },
      ExpressionAttributeValues: {
        ':to': to,
        ':from': current.state,
        ':gsk': alertList.sort(to, current.createdAt, id),
        ...Object.fromEntries(Object.entries(set).map(([k, v]) => [`:${k}`, v])),
      },
      ReturnValues: 'ALL_NEW',
    });
    const moved = await ifConditionFails(update, () => null);
    return moved === null ? null : withNotified(fromItem<Alert>(moved ?? {}));
  }

  acknowledge(id: string, by: string, at: Date) {
    return this.move(id, ['open'], 'acknowledged', by, at);
  }

  resolve(id: string, by: string, at: Date, retentionDays: number) {
    return this.move(id, ['open', 'acknowledged'], 'resolved', by, at, retentionDays);
  }

  async openAlerts(zoneId: string): Promise<Alert[]> {
    const out: Alert[] = [];
    for (const state of ['open', 'acknowledged']) {
      const items = await this.queryList(alertList.zone(zoneId), `${state}#`, 20);
      out.push(...items.map((i) => withNotified(fromItem<Alert>(i))));
    }
    return out;
  }
}

function withNotified(a: Alert): Alert {
  return { ...a, notified: a.notified ?? [] };
}
