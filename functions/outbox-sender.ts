import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { services } from '../bot/adapters/metrics.js';
import { sendQueueBatch } from '../bot/adapters/outbox/sqs.js';
import { lambdaRuntime } from './aws.js';

// A claim outlives this function's timeout (120 s) and ends before SQS shows the message again (720 s).
const { runtime, count, metrics, logger } = await lambdaRuntime(services.outboxSender, {
  sender: { leaseSeconds: 300 },
});

/**
 * SQS outbox → Telegram, through the one rate-limited sender (reserved
 * concurrency 1). Messages it could not finish are reported as batch item
 * failures and come back; what failed for good is kept and alerted by the sender.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const result = await sendQueueBatch(event.Records, async (messages) => {
    const sent = await runtime.sender.send(messages);
    count('OutboxSent', sent.sent.length);
    count('OutboxFailed', sent.failed.length);
    count('OutboxUnreachable', sent.unreachable.length);
    return sent;
  });
  count('OutboxRetries', result.retried.length);
  count('OutboxMalformed', result.malformed);
  metrics.publishStoredMetrics();
  if (result.failures.length) logger.warn('outbox records to retry', { count: result.failures.length });
  return { batchItemFailures: result.failures.map((itemIdentifier) => ({ itemIdentifier })) };
}
