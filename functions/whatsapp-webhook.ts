import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { services } from '../bot/adapters/metrics.js';
import { lambdaRuntime } from './aws.js';

// Once per cold start: environment, secrets (Secrets Manager on AWS), runtime with the WhatsApp channel.
const { runtime, count, metrics } = await lambdaRuntime(services.whatsappWebhook, { whatsapp: 'webhook' });
const whatsapp = runtime.whatsapp!;

const outcomes: Record<string, string> = { ok: 'UpdatesHandled', duplicate: 'UpdatesDuplicate' };

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
    count(outcomes[response.body] ?? (response.statusCode >= 500 ? 'UpdatesFailed' : 'UpdatesRejected'));
    metrics.publishStoredMetrics();
  }
  return response;
}
