import { createHash, timingSafeEqual } from 'node:crypto';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { Clock, Store } from '../../../core/ports.js';
import type { BotContext } from './bot.js';

export interface HttpRequest {
  headers: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface HttpResponse {
  statusCode: number;
  body: string;
}

/** Telegram may resend an update for a day at most; a record of it is kept that long. */
const processedTtlSeconds = 24 * 3600;

const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/** Compares two secrets in constant time, whatever their lengths. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  const a = createHash('sha256')
    .update(given ?? '')
    .digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given !== undefined;
}

const respond = (statusCode: number, body: string): HttpResponse => ({ statusCode, body });

/**
 * One webhook call: the secret header is checked before anything else; an
 * update already processed is acknowledged and dropped; a failed update is
 * forgotten again so Telegram's retry is processed.
 */
export async function handleWebhook(
  request: HttpRequest,
  deps: {
    bot: Bot<BotContext>;
    store: Store;
    clock: Clock;
    secret: string;
    /** After the update: send what it queued (the in-process outbox). */
    afterUpdate?: () => Promise<void>;
  },
): Promise<HttpResponse> {
  const header = Object.entries(request.headers).find(
    ([k]) => k.toLowerCase() === 'x-telegram-bot-api-secret-token',
  );
  if (!sameSecret(header?.[1], deps.secret)) return respond(401, 'unauthorized');

  let parsed: unknown;
  try {
    const raw = request.isBase64Encoded
      ? Buffer.from(request.body ?? '', 'base64').toString('utf8')
      : (request.body ?? '');
    parsed = JSON.parse(raw);
  } catch {
    return respond(400, 'body is not JSON');
  }
  const update = updateShape.safeParse(parsed);
  if (!update.success) return respond(400, 'not a Telegram update');

  const id = String(update.data.update_id);
  if (!(await deps.store.markProcessed('telegram', id, deps.clock.now(), processedTtlSeconds))) {
    return respond(200, 'duplicate');
  }
  try {
    await deps.bot.handleUpdate(update.data as unknown as Update);
  } catch (err) {
    await deps.afterUpdate?.().catch(() => undefined);
    await deps.store.unmarkProcessed('telegram', id);
    console.error(
      JSON.stringify({ msg: 'webhook update failed', update_id: update.data.update_id, error: String(err) }),
    );
    return respond(500, 'failed');
  }
  // Failures to send are the sender's to retry or keep; the update itself was handled.
  await deps.afterUpdate?.();
  return respond(200, 'ok');
}
