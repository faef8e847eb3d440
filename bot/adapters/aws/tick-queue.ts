import { SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import type { TickWork, TickWorkQueue } from '../../core/ports.js';

/** What the tick queue needs of an SQS client (tests pass a fake). */
export interface SqsBatchClient {
  send(command: SendMessageBatchCommand): Promise<Pick<SendMessageBatchCommandOutput, 'Failed'>>;
}

/** The fanned-out tick's work on a standard SQS queue: one message per group of shards, ten per call. */
export class SqsTickQueue implements TickWorkQueue {
  constructor(
    private readonly client: SqsBatchClient,
    private readonly queueUrl: string,
  ) {}

  async hand(work: TickWork[]): Promise<void> {
    for (let i = 0; i < work.length; i += 10) {
      const batch = work.slice(i, i + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((w, k) => ({ Id: `w${k}`, MessageBody: JSON.stringify(w) })),
        }),
      );
      // A group left out is caught up by its next minute's worker (its cursor stays); still, say so.
      if (result.Failed?.length)
        throw new Error(`tick work: SQS refused ${result.Failed.length} of ${batch.length}`);
    }
  }
}

const workShape = z.object({
  time: z.iso.datetime({ offset: true }),
  group: z.number().check(z.int(), z.nonnegative()),
});

/** A queue record's body as tick work; undefined if it is not. */
export function parseTickWork(body: string): TickWork | undefined {
  try {
    const parsed = workShape.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs each record's work and names the records to receive again (the Lambda's
 * `batchItemFailures`): those whose run failed. A body that is not tick work is
 * dropped and counted: nothing would ever make it one.
 */
export async function tickWorkBatch(
  records: { messageId: string; body: string }[],
  run: (work: TickWork) => Promise<unknown>,
): Promise<{ failures: string[]; malformed: number }> {
  const failures: string[] = [];
  let malformed = 0;
  for (const record of records) {
    const work = parseTickWork(record.body);
    if (!work) malformed++;
    else await run(work).catch(() => failures.push(record.messageId));
  }
  return { failures, malformed };
}
