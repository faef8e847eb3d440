import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini carries no messages of its own: the ones a config error names ("Invalid URL"…) are English.
z.config(en());

/** `WHATSAPP_TEMPLATES`: template names and languages that differ from the defaults (vicini_<key>; it, en). */
const templateOverrides = z.strictObject({
  names: z.optional(z.record(z.string(), z.string().check(z.regex(/^[a-z0-9_]{0,512}$/)))),
  languages: z.optional(z.record(z.string(), z.string().check(z.regex(/^[a-z]{2,3}(_[A-Z]{2})?$/)))),
  updates: z.optional(z.string().check(z.regex(/^[a-z0-9_]{0,512}$/))),
});

/** Parts of the environment; each entry point parses the parts it needs, once, at cold start. */
export const envParts = {
  store: {
    TABLE_NAME: z._default(
      z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name')),
      'vicini',
    ),
    AWS_REGION: z._default(
      z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-south-1')),
      'eu-south-1',
    ),
    DYNAMODB_ENDPOINT: z.optional(z.url({ protocol: /^https?$/ })),
  },
  network: {
    NETWORK_FILE: z._default(z.string().check(z.minLength(1)), 'network/brescia.json'),
  },
  telegram: {
    TELEGRAM_BOT_TOKEN: z
      .string()
      .check(z.regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'a bot token from @BotFather (digits:secret)')),
    TELEGRAM_API_ROOT: z.optional(z.url()),
  },
  telegramUsername: {
    TELEGRAM_BOT_USERNAME: z
      .string()
      .check(z.regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, "the bot's username, without @")),
  },
  webhook: {
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .check(z.regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 characters: A-Z, a-z, 0-9, _ and -')),
  },
  /** Where outbound messages go: an SQS queue on AWS; without it, an in-process queue. */
  outbox: {
    OUTBOX_QUEUE_URL: z.optional(z.url({ protocol: /^https?$/ })),
  },
  /**
   * The outbox sender's pace on Telegram (bot/adapters/channels/telegram/sender.ts): sends in any
   * rolling second for the whole bot, never above Telegram's 30; per chat, a burst, then one per gap.
   */
  telegramPacing: {
    TELEGRAM_SEND_PER_SECOND: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(30, 'at most 30 (Telegram’s limit)')),
      28,
    ),
    TELEGRAM_SEND_PER_CHAT_MS: z._default(
      z.coerce
        .number()
        .check(
          z.int(),
          z.minimum(1000, 'at least 1000 (Telegram: one message a second per chat)'),
          z.maximum(60_000),
        ),
      1050,
    ),
    TELEGRAM_SEND_PER_CHAT_BURST: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(5)), 3),
  },
  /** The WhatsApp Cloud API, for whatever sends on WhatsApp (the webhook, the outbox sender). */
  whatsapp: {
    WHATSAPP_PHONE_NUMBER_ID: z
      .string()
      .check(z.regex(/^\d{5,20}$/, "the business phone number's id (digits)")),
    WHATSAPP_BUSINESS_NUMBER: z
      .string()
      .check(
        z.regex(/^\d{6,15}$/, "the bot's WhatsApp number, digits only with the country code (e.g. 39301…)"),
      ),
    WHATSAPP_ACCESS_TOKEN: z.string().check(z.minLength(20, 'a system user access token')),
    WHATSAPP_API_ROOT: z.optional(z.url({ protocol: /^https?$/ })),
    WHATSAPP_TEMPLATES: z.pipe(
      z.optional(z.string()),
      z.transform((text: string | undefined, ctx) => {
        if (text === undefined) return undefined;
        try {
          return templateOverrides.parse(JSON.parse(text));
        } catch {
          ctx.issues.push({
            code: 'custom',
            input: text,
            message: 'JSON {"names": {key: name}, "languages": {lang: code}, "updates": name}',
          });
          return z.NEVER;
        }
      }),
    ),
  },
  /** What only the WhatsApp webhook needs: the handshake's token and the signature's secret. */
  whatsappWebhook: {
    WHATSAPP_VERIFY_TOKEN: z.string().check(z.minLength(16, 'at least 16 characters')),
    WHATSAPP_APP_SECRET: z.string().check(z.minLength(16, "the app's secret (App settings → Basic)")),
  },
} as const;

/** The Telegram sender's pacing from the environment (`envParts.telegramPacing`), parsed once. */
export function telegramPacingFromEnv(env: Record<string, string | undefined> = process.env): {
  perSecond: number;
  perChatMs: number;
  perChatBurst: number;
} {
  const parsed = parseEnv(envParts.telegramPacing, env);
  return {
    perSecond: parsed.TELEGRAM_SEND_PER_SECOND,
    perChatMs: parsed.TELEGRAM_SEND_PER_CHAT_MS,
    perChatBurst: parsed.TELEGRAM_SEND_PER_CHAT_BURST,
  };
}

/**
 * Secrets, and the variable naming the Secrets Manager secret each comes from.
 * A secret with one variable holds its value as a plain string; one with
 * several holds a JSON object keyed by the variable names. Infra sets the ARN
 * variables and grants the reads from this table.
 */
export const secretSources = {
  /**
   * The bot token and the webhook secret, one secret (a second one would cost $0.40 a month). What
   * reads the token (the tick, the sender) can read the webhook secret too, and gains nothing by it:
   * whoever holds the token can already call setWebhook with a secret of their own choosing.
   */
  telegram: {
    arnVariable: 'TELEGRAM_SECRETS_ARN',
    variables: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'],
  },
  whatsapp: {
    arnVariable: 'WHATSAPP_SECRETS_ARN',
    variables: ['WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'],
  },
} as const satisfies Record<string, SecretSource>;

export interface SecretSource {
  /** The environment variable holding the secret's ARN. */
  arnVariable: string;
  /** The variables the secret provides. */
  variables: readonly string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment against a schema; empty strings count as unset. The
 * error names every missing or bad variable at once.
 */
export function parseEnv<S extends z.core.$ZodShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodMiniObject<S>> {
  const cleaned: Record<string, string> = {};
  for (const name of Object.keys(shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') cleaned[name] = value;
  }
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      return cleaned[name] === undefined
        ? `  - ${name} is missing`
        : `  - ${name} is not valid: ${issue.message}`;
    });
    throw new ConfigError(`Configuration problem:\n${lines.join('\n')}`);
  }
  return result.data;
}
