import { handleWebhook } from '../bot/adapters/channels/telegram/webhook.js';
import { envParts } from '../bot/config/env.js';
import { metricNames, services } from '../bot/adapters/metrics.js';
import { systemClock } from '../bot/adapters/system.js';
import { withUpdates } from '../bot/main/runtime.js';
import { lambdaRuntime } from './aws.js';
import { streamed } from './streamed.js';

// Once per cold start: environment, secrets (Secrets Manager on AWS), runtime; a bad variable fails here.
const { env, runtime, count, metrics } = await lambdaRuntime(services.telegramWebhook, {
  env: envParts.webhook,
  updates: withUpdates,
  // The webhook's Lambda has 30 s: a Bot API call (the callback answer, a drain) gives up after 5.
  apiTimeoutSeconds: 5,
});

const outcomes: Record<string, string> = { ok: 'UpdatesHandled', duplicate: 'UpdatesDuplicate' };

/**
 * Lambda Function URL entry point for Telegram's webhook, streamed: Telegram gets its 200 as soon as
 * the turn is committed and the person's answers are taken by Telegram, and the invocation goes on
 * until their delivery records and the turn record's settle are written (`runtime.finish`).
 */
export const handler = streamed(
  async (
    event: { headers?: Record<string, string | undefined>; body?: string | null; isBase64Encoded?: boolean },
    respond,
  ) => {
    const response = await handleWebhook(
      { headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
      {
        bot: runtime.bot,
        store: runtime.deps.store,
        clock: systemClock,
        secret: env.TELEGRAM_WEBHOOK_SECRET,
        respond,
        afterUpdate: () => runtime.finish(),
      },
    );
    const status = response.statusCode >= 500 ? metricNames.updatesFailed : metricNames.updatesRejected;
    count(outcomes[response.body] ?? status);
    metrics.publishStoredMetrics();
    return response;
  },
);
