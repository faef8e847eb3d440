import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Alert, CheckIn, SignOfLife } from '../../domain/alert.js';
import type { Alerts, CheckIns } from '../../core/ports.js';
import { alertList, entity, keys, personPk, skPrefix } from './keys.js';
import { attr, index } from './table.js';
import { epoch, fromItem, isConditionFailure } from './items.js';

const checkInTtlDays = 400;
/** Check-ins (in the elder's partition) and alerts on the one table. */
export class DynamoCheckIns implements CheckIns, Alerts {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getCheckIn(elderId: string, localDate: string): Promise<CheckIn | null> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.checkIn(elderId, localDate), ConsistentRead: true }),
    );
    return got.Item ? withLists(fromItem<CheckIn>(got.Item)) : null;
  }

  async latestCheckIn(elderId: string): Promise<CheckIn | null> {
    const got = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': personPk(elderId), ':sk': skPrefix.checkIn },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = got.Items?.[0];
    return item ? withLists(fromItem<CheckIn>(item)) : null;
  }

  async recentCheckIns(elderId: string, limit: number): Promise<CheckIn[]> {
    const got = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': personPk(elderId), ':sk': skPrefix.checkIn },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (got.Items ?? []).map((item) => withLists(fromItem<CheckIn>(item)));
  }

  async createCheckIn(c: CheckIn): Promise<boolean> {
    const { rungsDone: _r, alerted: _a, ...rest } = c;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.checkIn(c.elderId, c.localDate),
            [attr.entity]: entity.checkIn,
            [attr.ttl]: epoch(new Date(c.promptedAt)) + checkInTtlDays * 86400,
            ...rest,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async recordRung(elderId: string, localDate: string, rung: string, alerted: string[], alertId?: string) {
    const names: Record<string, string> = { '#rungs': 'rungsDone' };
    const values: Record<string, unknown> = { ':rung': new Set([rung]) };
    let expression = 'ADD #rungs :rung';
    if (alerted.length) {
      names['#alerted'] = 'alerted';
      values[':alerted'] = new Set(alerted);
      expression += ', #alerted :alerted';
    }
    if (alertId) {
      values[':alert'] = alertId;
      expression += ' SET alertId = :alert';
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.checkIn(elderId, localDate),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async noteSignOfLife(elderId: string, localDate: string, sign: SignOfLife): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.checkIn(elderId, localDate),
          UpdateExpression: 'SET wrote = :wrote',
          ConditionExpression: '#state = :prompted',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':wrote': sign, ':prompted': 'prompted' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async closeCheckIn(
    elderId: string,
    localDate: string,
    state: 'fine' | 'help' | 'heard',
    by: string,
    at: Date,
  ) {
    try {
      const got = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.checkIn(elderId, localDate),
          UpdateExpression: 'SET #state = :state, answeredBy = :by, answeredAt = :at',
          ConditionExpression: '#state = :prompted',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': state,
            ':by': by,
            ':at': at.toISOString(),
            ':prompted': 'prompted',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withLists(fromItem<CheckIn>(got.Attributes ?? {}));
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
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

  async raise(alert: Alert): Promise<{ alert: Alert; created: boolean }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: this.alertItem(alert),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      // A pointer in the person's partition: erasure and export find their alerts.
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.alertRef(alert.personId, alert.id), [attr.entity]: 'alertRef' },
        }),
      );
      return { alert, created: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return { alert: (await this.getAlert(alert.id))!, created: false };
    }
  }

  async getAlert(id: string): Promise<Alert | null> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.alert(id), ConsistentRead: true }),
    );
    return got.Item ? withNotified(fromItem<Alert>(got.Item)) : null;
  }

  async addNotified(id: string, mediatorIds: string[]): Promise<void> {
    if (!mediatorIds.length) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.alert(id),
        UpdateExpression: 'ADD notified :ids',
        ExpressionAttributeValues: { ':ids': new Set(mediatorIds) },
      }),
    );
  }

  async recordCard(id: string, entry: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.alert(id),
          UpdateExpression: 'ADD cards :c',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':c': new Set([entry]) },
        }),
      )
      .catch((err: unknown) => {
        // The alert is gone (erased with its person): nothing to remember.
        if (!isConditionFailure(err)) throw err;
      });
  }

  private async move(id: string, from: string[], to: 'acknowledged' | 'resolved', by: string, at: Date) {
    const current = await this.getAlert(id);
    if (!current || !from.includes(current.state)) return null;
    const who =
      to === 'acknowledged'
        ? { ackBy: by, ackAt: at.toISOString() }
        : { resolvedBy: by, resolvedAt: at.toISOString() };
    try {
      const got = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.alert(id),
          UpdateExpression: `SET #state = :to, #gsk = :gsk, ${Object.keys(who)
            .map((k) => `${k} = :${k}`)
            .join(', ')}`,
          ConditionExpression: '#state = :from',
          ExpressionAttributeNames: { '#state': 'state', '#gsk': attr.gsi1sk },
          ExpressionAttributeValues: {
            ':to': to,
            ':from': current.state,
            ':gsk': alertList.sort(to, current.createdAt, id),
            ...Object.fromEntries(Object.entries(who).map(([k, v]) => [`:${k}`, v])),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withNotified(fromItem<Alert>(got.Attributes ?? {}));
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }

  acknowledge(id: string, by: string, at: Date) {
    return this.move(id, ['open'], 'acknowledged', by, at);
  }

  resolve(id: string, by: string, at: Date) {
    return this.move(id, ['open', 'acknowledged'], 'resolved', by, at);
  }

  async openAlerts(zoneId: string): Promise<Alert[]> {
    const out: Alert[] = [];
    for (const state of ['open', 'acknowledged']) {
      const got = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index.byList,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :state)',
          ExpressionAttributeNames: { '#pk': attr.gsi1pk, '#sk': attr.gsi1sk },
          ExpressionAttributeValues: { ':pk': alertList.zone(zoneId), ':state': `${state}#` },
          Limit: 20,
        }),
      );
      out.push(...(got.Items ?? []).map((i) => withNotified(fromItem<Alert>(i))));
    }
    return out;
  }
}

function withLists(c: CheckIn): CheckIn {
  return { ...c, rungsDone: c.rungsDone ?? [], alerted: c.alerted ?? [] };
}

function withNotified(a: Alert): Alert {
  return { ...a, notified: a.notified ?? [] };
}
