import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { telegramPacingFromEnv } from '../bot/config/env.js';
import { services } from '../bot/adapters/metrics.js';
import { sendQueueBatch } from '../bot/adapters/outbox/sqs.js';
import { sqsVisibility } from '../bot/adapters/outbox/sqs-visibility.js';
import { lambdaRuntime } from './aws.js';

// A claim outlives this function's timeout (120 s) and ends before SQS shows the message again (720 s).
const { runtime, env, count, metrics, logger, sqs } = await lambdaRuntime(services.outboxSender, {
  sender: { leaseSeconds: 300, pacing: telegramPacingFromEnv() },
});
const delay = env.OUTBOX_QUEUE_URL && sqs ? sqsVisibility(sqs, env.OUTBOX_QUEUE_URL) : undefined;

/**
 * SQS outbox → Telegram, through the one rate-limited sender (reserved
 * concurrency 1). It never waits for one chat's pacing: what that chat cannot
 * take yet is handed back, visible again when due. Messages it could not
 * finish are reported as batch item failures and come back; what failed for
 * good is kept and alerted by the sender.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const result = await sendQueueBatch(
    event.Records,
    async (messages) => {
      const sent = await runtime.sender.send(messages, { holdMs: 0 });
      count('OutboxSent', sent.sent.length);
      count('OutboxFailed', sent.failed.length);
      count('OutboxUnreachable', sent.unreachable.length);
      return sent;
    },
    { delay },
  );
  count('OutboxRetries', result.retried.length);
  count('OutboxMalformed', result.malformed);
  metrics.publishStoredMetrics();
  const { failures, deferred, undelayed } = result;
  if (failures.length)
    logger.warn('outbox records to retry', { count: failures.length, deferred: deferred.length, undelayed });
  return { batchItemFailures: result.failures.map((itemIdentifier) => ({ itemIdentifier })) };
}
