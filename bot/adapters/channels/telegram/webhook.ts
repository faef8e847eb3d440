import { createHash, timingSafeEqual } from 'node:crypto';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import * as z from 'zod/mini';
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

const updateShape = z.looseObject({ update_id: z.number().check(z.int(), z.nonnegative()) });

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
 * One webhook call: the secret header is checked before anything else; the
 * update then runs as one turn (read, decide, commit). 200 once the commit is
 * durable (a redelivered update re-sends what its turn recorded), 500 before
 * it, so Telegram's retry runs the turn again.
 *
 * With `respond`, the 200 is given there as soon as the turn is done and its
 * answers are taken, before `afterUpdate` finishes the bookkeeping (the
 * delivery records, the turn record's settle); the promise still resolves only
 * after that, so a caller that can answer early (a streamed Lambda response)
 * keeps its invocation alive until everything is written.
 */
export async function handleWebhook(
  request: HttpRequest,
  deps: {
    bot: Bot<BotContext>;
    store: Store;
    clock: Clock;
    secret: string;
    /** After the update: send what it queued (the in-process outbox) and finish its bookkeeping. */
    afterUpdate?: () => Promise<void>;
    /** Called once with the 200, as soon as the update is handled, before `afterUpdate`. */
    respond?: (response: HttpResponse) => void;
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

  // No mark first: the turn's own commit records the update (a failure before it records nothing).
  try {
    await deps.bot.handleUpdate(update.data as unknown as Update);
  } catch (err) {
    console.error(
      JSON.stringify({ msg: 'webhook update failed', update_id: update.data.update_id, error: String(err) }),
    );
    // What did commit is still sent; Telegram's retry finds the turn record and re-sends no more.
    await deps.afterUpdate?.().catch(() => undefined);
    return respond(500, 'failed');
  }
  // The turn is committed: its messages are the outbox's to send and retry, never a reason to fail.
  const ok = respond(200, 'ok');
  deps.respond?.(ok);
  await deps
    .afterUpdate?.()
    .catch((err: unknown) =>
      console.error(JSON.stringify({ msg: 'outbox drain failed', error: String(err) })),
    );
  return ok;
}
