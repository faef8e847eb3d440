import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { metricNames, services } from '../bot/adapters/metrics.js';
import { withUpdates } from '../bot/main/runtime.js';
import { lambdaRuntime } from './aws.js';

// Once per cold start: environment, secrets (Secrets Manager on AWS), runtime with the WhatsApp channel.
const { runtime, count, metrics } = await lambdaRuntime(services.whatsappWebhook, {
  whatsapp: 'webhook',
  updates: withUpdates,
});
const whatsapp = runtime.whatsapp!;

// 'ignored' (200: only changes for another number) is not a refusal, as the URL's 4xx count agrees.
const outcomes: Record<string, string> = {
  ok: 'UpdatesHandled',
  duplicate: 'UpdatesDuplicate',
  ignored: 'UpdatesIgnored',
};

/**
 * Lambda Function URL entry point for the WhatsApp Cloud API webhook: Meta's
 * verification handshake (GET) and signed notifications (POST).
 */
export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const response = await whatsapp.webhook({
    method: event.requestContext.http.method,
    query: event.queryStringParameters ?? {},
    headers: event.headers ?? {},
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
  });
  if (event.requestContext.http.method === 'POST') {
    const status = response.statusCode >= 500 ? metricNames.updatesFailed : metricNames.updatesRejected;
    count(outcomes[response.body] ?? status);
    metrics.publishStoredMetrics();
  }
  return response;
}
