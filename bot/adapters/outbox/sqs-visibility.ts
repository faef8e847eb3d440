import {
  ChangeMessageVisibilityBatchCommand,
  type ChangeMessageVisibilityBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import type { DelayRecords } from './sqs.js';

/** What the delay needs of an SQS client (tests pass a fake). */
export interface SqsVisibilityClient {
  send(
    command: ChangeMessageVisibilityBatchCommand,
  ): Promise<Pick<ChangeMessageVisibilityBatchCommandOutput, 'Failed'>>;
}

export class VisibilityChangeError extends Error {
  override name = 'VisibilityChangeError';
  constructor(readonly codes: string[]) {
    super(
      `SQS did not change the visibility of ${codes.length} record(s): ${[...new Set(codes)].join(', ')}`,
    );
  }
}

/**
 * Shows records of the outbox queue again after the seconds asked (ChangeMessageVisibilityBatch,
 * 10 a call): how the outbox sender hands one chat's paced messages back without waiting for
 * them. Throws when SQS refuses any; those come back after the queue's visibility timeout.
 */
export function sqsVisibility(client: SqsVisibilityClient, queueUrl: string): DelayRecords {
  return async (changes) => {
    const codes: string[] = [];
    for (let i = 0; i < changes.length; i += 10) {
      const entries = changes.slice(i, i + 10).map((c, k) => ({
        Id: `r${k}`,
        ReceiptHandle: c.receiptHandle,
        VisibilityTimeout: c.seconds,
      }));
      const out = await client.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
      );
      codes.push(...(out.Failed ?? []).map((f) => f.Code ?? 'unknown'));
    }
    if (codes.length) throw new VisibilityChangeError(codes);
  };
}
