import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type * as z from 'zod/mini';
import { botInfoFrom } from '../bot/adapters/channels/telegram/bot.js';
import { templateConfig } from '../bot/adapters/channels/whatsapp/templates.js';
import { envParts, parseEnv, secretSources } from '../bot/config/env.js';
import { EmfMetrics, metricsNamespace, type Count } from '../bot/adapters/metrics.js';
import { loadNetworkFile } from '../bot/config/network.js';
import {
  createRuntimeCore,
  type DrainableOutbox,
  type RuntimeCore,
  type RuntimeOptions,
} from '../bot/main/runtime-core.js';
import { loadSecrets } from '../bot/adapters/aws/secrets.js';
import { createDocumentClient } from '../bot/adapters/store/client.js';
import { mapStackTraces } from '../bot/adapters/stack-traces.js';

// In a bundle (infra/bundling.ts names its map), a printed stack names the TypeScript files and lines:
// the map is read on the first stack printed, not at every cold start as `--enable-source-maps` would.
const sourceMap = process.env.VICINI_SOURCE_MAP;
if (sourceMap) mapStackTraces(import.meta.url, fileURLToPath(new URL(sourceMap, import.meta.url)));

type Parsed<S extends z.core.$ZodShape> = z.infer<z.ZodMiniObject<S>>;

const shape = {
  ...envParts.store,
  ...envParts.network,
  ...envParts.telegram,
  ...envParts.telegramUsername,
  ...envParts.outbox,
};

/**
 * What every Lambda starts with, once per cold start: the environment and the
 * secrets it names, parsed with zod; Powertools' logger and the EMF metrics line; the
 * runtime, with the SQS outbox when `OUTBOX_QUEUE_URL` is set (its client returned as
 * `sqs`, for the function's other SQS calls) and the WhatsApp channel when
 * `WHATSAPP_PHONE_NUMBER_ID` is (or for the WhatsApp webhook).
 */
export async function lambdaRuntime<
  S extends z.core.$ZodShape,
  R extends RuntimeCore<DrainableOutbox> = RuntimeCore<DrainableOutbox>,
>(
  service: string,
  options: {
    env?: S;
    /**
     * What the function adds to the core runtime: the webhooks pass `withUpdates` (bot/main/runtime.ts),
     * so only their bundles carry the conversation.
     */
    updates?: (core: RuntimeCore<DrainableOutbox>, options: RuntimeOptions) => R;
    sender?: RuntimeOptions['sender'];
    /** Bot API calls give up after this long (grammY's default is 500 s, far past a Lambda's timeout). */
    apiTimeoutSeconds?: number;
    /** 'webhook': the WhatsApp webhook; otherwise WhatsApp sends only where the stack configured it. */
    whatsapp?: 'webhook';
  } = {},
) {
  // The stack gives WhatsApp's secret to what sends on WhatsApp (the webhook, the outbox sender).
  const whatsapp = options.whatsapp ?? (process.env.WHATSAPP_PHONE_NUMBER_ID ? 'send' : undefined);
  // The Telegram secret holds the webhook secret too; only the Telegram webhook's `env` asks for it.
  const secrets = await loadSecrets([secretSources.telegram, ...(whatsapp ? [secretSources.whatsapp] : [])]);
  const whatsappShape = {
    ...(whatsapp ? envParts.whatsapp : {}),
    ...(whatsapp === 'webhook' ? envParts.whatsappWebhook : {}),
  };
  // One parse, so the error names every missing or bad variable at once.
  const env = parseEnv(
    { ...shape, ...whatsappShape, ...options.env },
    { ...process.env, ...secrets },
  ) as Parsed<typeof shape> & Parsed<S>;
  const wa = env as unknown as Partial<Parsed<typeof envParts.whatsapp & typeof envParts.whatsappWebhook>>;
  const logger = new Logger({ serviceName: service });
  const metrics = new EmfMetrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricsNamespace,
    service,
  });
  const count: Count = (name, value = 1) => metrics.addMetric(name, 'Count', value);
  const logLine = ({ msg, ...rest }: Record<string, unknown>) => logger.warn(String(msg), rest);
  // One SQS client per cold start, for the outbox and whatever else of the function talks to SQS.
  const sqs = env.OUTBOX_QUEUE_URL ? new SQSClient({ region: env.AWS_REGION }) : undefined;
  const runtimeOptions: RuntimeOptions = {
    doc: createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
    table: env.TABLE_NAME,
    network: loadNetworkFile(env.NETWORK_FILE),
    token: env.TELEGRAM_BOT_TOKEN,
    apiRoot: env.TELEGRAM_API_ROOT,
    apiTimeoutSeconds: options.apiTimeoutSeconds ?? 10,
    botInfo: botInfoFrom(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_BOT_USERNAME),
    outbox: env.OUTBOX_QUEUE_URL && sqs ? { queueUrl: env.OUTBOX_QUEUE_URL, client: sqs } : undefined,
    // Without a queue, messages go out as soon as a turn hands them over (the webhook waits for them).
    autoDrain: !env.OUTBOX_QUEUE_URL,
    count,
    sender: { logLine, ...options.sender },
    whatsapp:
      wa.WHATSAPP_PHONE_NUMBER_ID && wa.WHATSAPP_ACCESS_TOKEN && wa.WHATSAPP_BUSINESS_NUMBER
        ? {
            phoneNumberId: wa.WHATSAPP_PHONE_NUMBER_ID,
            accessToken: wa.WHATSAPP_ACCESS_TOKEN,
            businessNumber: wa.WHATSAPP_BUSINESS_NUMBER,
            apiRoot: wa.WHATSAPP_API_ROOT,
            templates: templateConfig(wa.WHATSAPP_TEMPLATES),
            appSecret: wa.WHATSAPP_APP_SECRET,
            verifyToken: wa.WHATSAPP_VERIFY_TOKEN,
            sender: {
              logLine,
              ...(options.sender?.leaseSeconds ? { leaseSeconds: options.sender.leaseSeconds } : {}),
            },
          }
        : undefined,
  };
  const core = createRuntimeCore(runtimeOptions);
  const runtime = (options.updates ? options.updates(core, runtimeOptions) : core) as R;
  return { env, logger, metrics, count, runtime, sqs };
}
