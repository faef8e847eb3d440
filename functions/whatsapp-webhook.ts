import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { sameSecret } from '../bot/channels/telegram/webhook.js';
import { envParts, parseEnv, secretSources } from '../bot/config.js';
import { loadSecrets } from '../bot/secrets.js';

// Once per cold start: the WhatsApp credentials (Secrets Manager on AWS). Only the verify token is used yet.
const env = parseEnv(
  { WHATSAPP_VERIFY_TOKEN: envParts.whatsapp.WHATSAPP_VERIFY_TOKEN },
  { ...process.env, ...(await loadSecrets([secretSources.whatsapp])) },
);

/**
 * The WhatsApp Cloud API webhook's route, a placeholder until the WhatsApp
 * issue: it answers Meta's verification handshake (GET with the verify token)
 * and refuses every notification with 501, so nothing is acknowledged that
 * nobody handles.
 */
export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const query = event.queryStringParameters ?? {};
  if (event.requestContext.http.method !== 'GET') return { statusCode: 501, body: 'not enabled yet' };
  const challenge = query['hub.challenge'] ?? '';
  const verified =
    query['hub.mode'] === 'subscribe' && sameSecret(query['hub.verify_token'], env.WHATSAPP_VERIFY_TOKEN);
  if (!verified || !/^[A-Za-z0-9_-]{1,128}$/.test(challenge)) return { statusCode: 403, body: 'forbidden' };
  return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: challenge };
}
