import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parked, type OutboundMessage } from '../../core/outbound.js';
import { DeliveryLeaseLostError } from '../../core/errors.js';
import type { Key } from './keys.js';
import { queryAll } from './batch.js';
import { ifConditionFails } from './items.js';
import { attr, index } from './table.js';

/**
 * The delivery log makes sending exactly-once per message id across duplicate
 * enqueues, concurrent senders and a sender that dies: a sender claims the
 * message with a lease, records each reply it got through, and marks it sent.
 *
 * Exactly-once holds except in one window: a process that dies after Telegram
 * accepted a reply and before the log recorded it leaves the claim to expire,
 * and the next sender sends that reply again (at-least-once). Telegram offers
 * no idempotency key, so no log can close that window.
 *
 * Items: PK `MSG#<sha-256 of the id>` (ids name people; the hash does not), SK `MSG`, entity `delivery`. 'sending' and 'sent' items
 * expire after 7 days (the window in which a duplicate id is recognised);
 * 'failed' items keep the message (without what is read live) for 7 days too, and are listed on GSI1
 * under `DELIVERY#failed` for the operator.
 */

export const deliveryEntity = 'delivery';
/** GSI1 key listing the kept (failed) messages, with their content, for an operator and for erasure. */
export const failedListPk = 'DELIVERY#failed';
const ttlSeconds = 7 * 24 * 3600;

/** The key of a message's delivery record. */
export const deliveryKey = (id: string): Key => ({
  PK: `MSG#${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`,
  SK: 'MSG',
});

export type DeliveryState = 'sending' | 'sent' | 'failed';

/** How a message that is done ended: delivered, unreachable, or held for a WhatsApp person outside the window. */
export type DeliveryOutcome = 'delivered' | 'unreachable' | 'held';

/** 'claimed': this sender may send, from reply `sentReplies` on. 'sent': done before. 'busy': another sender holds it. */
export interface Claim {
  status: 'claimed' | 'sent' | 'busy';
  sentReplies: number;
}

export interface DeliveryRecord {
  id: string;
  state: DeliveryState;
  /** How many of the message's replies Telegram accepted. */
  sentReplies: number;
  /** Epoch ms until which the claim is held. */
  leaseUntil?: number;
  /** 'unreachable' when the person blocked the bot; 'held' when WhatsApp's window was closed: done, not delivered. */
  outcome?: DeliveryOutcome;
  message?: OutboundMessage;
  reason?: string;
  failedAt?: string;
  sentAt?: string;
}

const names = { '#state': 'state', '#entity': attr.entity, '#ttl': attr.ttl };

/**
 * A record claimed from the start, as a turn's commit writes it for the answers its process is
 * about to send (`claim` would write the same on a message never seen before).
 */
export function claimedItem(id: string, now: Date, leaseSeconds: number): Record<string, unknown> {
  return {
    ...deliveryKey(id),
    [attr.entity]: deliveryEntity,
    state: 'sending',
    leaseUntil: now.getTime() + leaseSeconds * 1000,
    sentReplies: 0,
    updatedAt: now.toISOString(),
    [attr.ttl]: epochSeconds(now) + ttlSeconds,
  };
}
const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export class DynamoDeliveryLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Takes the message for sending until `now + leaseSeconds`. A message that is
   * new, released, failed, or whose lease ran out (its sender died) can be claimed.
   */
  async claim(id: string, now: Date, leaseSeconds: number): Promise<Claim> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: deliveryKey(id),
          UpdateExpression:
            'SET #entity = :entity, #state = :sending, leaseUntil = :lease, #ttl = :ttl, ' +
            'updatedAt = :at, sentReplies = if_not_exists(sentReplies, :zero) REMOVE GSI1PK, GSI1SK',
          ConditionExpression: 'attribute_not_exists(PK) OR (#state <> :sent AND leaseUntil <= :now)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':entity': deliveryEntity,
            ':sending': 'sending',
            ':sent': 'sent',
            ':lease': now.getTime() + leaseSeconds * 1000,
            ':now': now.getTime(),
            ':ttl': epochSeconds(now) + ttlSeconds,
            ':at': now.toISOString(),
            ':zero': 0,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { status: 'claimed', sentReplies: Number(out.Attributes?.sentReplies ?? 0) };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const state = err.Item?.state?.S ?? (await this.get(id))?.state;
      const sentReplies = Number(err.Item?.sentReplies?.N ?? 0);
      return { status: state === 'sent' ? 'sent' : 'busy', sentReplies };
    }
  }

  /** Records that the first `sentReplies` replies went out, and extends the lease. */
  async markProgress(id: string, sentReplies: number, now: Date, leaseSeconds: number): Promise<void> {
    const progress = this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: deliveryKey(id),
        UpdateExpression: 'SET sentReplies = :n, leaseUntil = :lease, updatedAt = :at',
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':n': sentReplies,
          ':lease': now.getTime() + leaseSeconds * 1000,
          ':at': now.toISOString(),
          ':sending': 'sending',
        },
      }),
    );
    await ifConditionFails(progress, () => {
      throw new DeliveryLeaseLostError(id);
    });
  }

  /** Done: delivered, unreachable (blocked the bot…), or held (WhatsApp, outside the window). The content is dropped. */
  async markSent(id: string, now: Date, outcome: DeliveryOutcome = 'delivered'): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: deliveryKey(id),
        UpdateExpression:
          'SET #entity = :entity, #state = :sent, outcome = :outcome, sentAt = :at, #ttl = :ttl ' +
          'REMOVE id, leaseUntil, message, reason, failedAt, GSI1PK, GSI1SK',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':entity': deliveryEntity,
          ':sent': 'sent',
          ':outcome': outcome,
          ':at': now.toISOString(),
          ':ttl': epochSeconds(now) + ttlSeconds,
        },
      }),
    );
  }

  /** Gives a claim back after a failure, so a retry can claim it at once (progress is kept). */
  async release(id: string): Promise<void> {
    const released = this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: deliveryKey(id),
        UpdateExpression: 'SET leaseUntil = :zero',
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':zero': 0, ':sending': 'sending' },
      }),
    );
    // No longer being sent (sent or kept meanwhile): nothing to give back.
    await ifConditionFails(released, () => undefined);
  }

  /**
   * Keeps a message that could not be sent, for an operator or a later retry (claiming it again
   * resumes after `sentReplies`), for 7 days: without personal data read live (`parked`), and with
   * the ids of the people it is about, so erasure finds it.
   */
  async keep(message: OutboundMessage, reason: string, now: Date): Promise<void> {
    const failedAt = now.toISOString();
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: deliveryKey(message.id),
        UpdateExpression:
          'SET #entity = :entity, id = :id, #state = :failed, message = :message, reason = :reason, ' +
          'failedAt = :at, updatedAt = :at, leaseUntil = :zero, sentReplies = if_not_exists(sentReplies, :zero), ' +
          'GSI1PK = :gsi1pk, GSI1SK = :gsi1sk, #ttl = :ttl',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':entity': deliveryEntity,
          ':id': message.id,
          ':failed': 'failed',
          ':message': parked(message),
          ':reason': reason,
          ':ttl': epochSeconds(now) + ttlSeconds,
          ':at': failedAt,
          ':zero': 0,
          ':gsi1pk': failedListPk,
          ':gsi1sk': `${failedAt}#${message.id}`,
        },
      }),
    );
  }

  /** Every kept (failed) message, oldest first. */
  async listFailed(): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    const page = await queryAll(this.doc, {
      TableName: this.table,
      IndexName: index.byList,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': failedListPk },
    });
    out.push(...page.map(toRecord));
    return out;
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: deliveryKey(id), ConsistentRead: true }),
    );
    return got.Item ? { ...toRecord(got.Item), id } : null;
  }
}

function toRecord(item: Record<string, unknown>): DeliveryRecord {
  const record: DeliveryRecord = {
    id: item.id as string,
    state: item.state as DeliveryState,
    sentReplies: Number(item.sentReplies ?? 0),
  };
  for (const k of ['leaseUntil', 'outcome', 'message', 'reason', 'failedAt', 'sentAt'] as const) {
    if (item[k] !== undefined) Object.assign(record, { [k]: item[k] });
  }
  return record;
}
