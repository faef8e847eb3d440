import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { markUnreachable } from '../../../app/alerts/delivery.js';
import type { AppDeps } from '../../../app/common/deps.js';
import { runTurn } from '../../../app/handle-inbound.js';
import { liveAgain } from '../../../app/live.js';
import type { InboundMessage } from '../../../core/inbound.js';
import { menuChoice, parseWebhook, type DeliveryFailure, type WhatsAppInbound } from './inbound.js';
import type { WhatsAppState } from '../../../core/whatsapp-state.js';
import type { WhatsAppOptions, WhatsAppSending } from './channel.js';
import { stackFrames } from '../../stack-traces.js';

export interface WebhookRequest {
  method: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface WebhookResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

export interface WhatsAppWebhookDeps {
  app: AppDeps;
  state: WhatsAppState;
  phoneNumberId: string;
  /** The app secret: X-Hub-Signature-256 is the HMAC-SHA256 of the raw body with it. */
  appSecret: string;
  /** What Meta must send as `hub.verify_token` when the webhook is subscribed. */
  verifyToken: string;
  /** After the body: send what it queued (the in-process outbox). */
  afterUpdate?: () => Promise<void>;
  logLine?: (entry: Record<string, unknown>) => void;
}

/** The WhatsApp channel with its webhook: what a process that handles updates runs. */
export interface WhatsAppChannel extends WhatsAppSending {
  /** One call of the webhook (throws if the webhook secrets were not given). */
  webhook(request: WebhookRequest): Promise<WebhookResponse>;
}

/** The channel's sending side with its webhook, wired to the app's ports. */
export function withWebhook(
  channel: WhatsAppSending,
  options: WhatsAppOptions,
  parts: { deps: () => AppDeps; afterUpdate?: () => Promise<void> },
): WhatsAppChannel {
  return {
    ...channel,
    webhook(request) {
      if (!options.appSecret || !options.verifyToken)
        throw new Error('WhatsApp webhook secrets are not configured');
      return handleWhatsAppWebhook(request, {
        app: parts.deps(),
        state: channel.state,
        phoneNumberId: options.phoneNumberId,
        appSecret: options.appSecret,
        verifyToken: options.verifyToken,
        afterUpdate: parts.afterUpdate,
        logLine: options.sender?.logLine,
      });
    },
  };
}

/** Delivery failures that mean the person cannot be reached: undeliverable, and outside the window. */
const unreachableCodes = new Set([131026, 131047]);

const respond = (statusCode: number, body: string): WebhookResponse => ({ statusCode, body });

/** Compares in constant time whatever the lengths (both sides hashed first). */
function same(given: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

const header = (request: WebhookRequest, name: string) =>
  Object.entries(request.headers).find(([k]) => k.toLowerCase() === name)?.[1];

/** `X-Hub-Signature-256: sha256=<hex>` of exactly these bytes with the app secret. */
export function validSignature(raw: Buffer, signature: string | undefined, appSecret: string): boolean {
  return same(signature, `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`);
}

/**
 * A message id (wamid) as it is kept and logged. A wamid encodes the sender's number, so only an
 * HMAC of it with the app secret (128 bits) names the turn: the processed marker, the turn record,
 * the reply ids and everything derived from them (held messages, the delivery log, log lines).
 * The same wamid always gives the same name, so Meta's retries are still recognised.
 */
export function hashedMessageId(wamid: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`wamid:${wamid}`).digest('base64url').slice(0, 22);
}

/**
 * One call of the WhatsApp webhook. GET is Meta's verification handshake. A
 * POST is refused with 401 before anything is read unless its signature
 * matches; then each message runs as one turn keyed by its message id (a
 * redelivery re-sends what that turn recorded, deciding nothing again), the
 * outbox sends the replies, and the person's window is noted; delivery failures
 * in status callbacks make the person unreachable. A message whose turn fails
 * committed nothing: the answer is 500, and Meta's retry runs it again.
 */
export async function handleWhatsAppWebhook(
  request: WebhookRequest,
  deps: WhatsAppWebhookDeps,
): Promise<WebhookResponse> {
  if (request.method === 'GET') return handshake(request, deps.verifyToken);
  if (request.method !== 'POST') return respond(405, 'method not allowed');
  const raw = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  if (!validSignature(raw, header(request, 'x-hub-signature-256'), deps.appSecret)) {
    return respond(401, 'unauthorized');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return respond(400, 'body is not JSON');
  }
  const parsed = parseWebhook(body, deps.phoneNumberId, deps.app.clock.now());
  if (!parsed) return respond(400, 'not a WhatsApp webhook');
  const log = deps.logLine ?? ((entry) => console.warn(JSON.stringify(entry)));

  for (const failure of parsed.failures) await deliveryFailed(deps, failure, log);
  let handled = 0;
  let failed = 0;
  for (const message of parsed.messages) {
    try {
      if (await processMessage(deps, message)) handled++;
    } catch (err) {
      // Nothing was committed: Meta's retry runs the turn again.
      failed++;
      log({
        msg: 'whatsapp message failed',
        error: err instanceof Error ? err.name : typeof err,
        at: stackFrames(err),
      });
    }
  }
  await deps.afterUpdate?.().catch((err: unknown) => {
    log({ msg: 'whatsapp outbox drain failed', error: err instanceof Error ? err.name : typeof err });
  });
  if (failed) return respond(500, 'failed');
  if (parsed.messages.length && !handled) return respond(200, 'duplicate');
  // Only changes for another number: nothing of ours was in it. (Status callbacks of ours are "ok".)
  if (!parsed.messages.length && !parsed.failures.length && parsed.ignored) return respond(200, 'ignored');
  return respond(200, 'ok');
}

function handshake(request: WebhookRequest, verifyToken: string): WebhookResponse {
  const challenge = request.query['hub.challenge'] ?? '';
  const verified =
    request.query['hub.mode'] === 'subscribe' && same(request.query['hub.verify_token'], verifyToken);
  if (!verified || !/^[A-Za-z0-9_-]{1,128}$/.test(challenge)) return respond(403, 'forbidden');
  return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: challenge };
}

/** One message as one turn, keyed by its message id; false when the turn was committed before (a redelivery). */
async function processMessage(deps: WhatsAppWebhookDeps, message: WhatsAppInbound): Promise<boolean> {
  const { app, state } = deps;
  const ref = { channel: 'whatsapp' as const, id: message.from };
  if (!message.message) {
    if (message.showHeld) {
      const person = await app.store.findPersonByChannel(ref);
      await state.recordInbound(message.from, message.at);
      if (person) await releaseHeld(deps, person.id);
    }
    return true;
  }
  // Read, decide, commit; the outbox sends the replies after the commit (a redelivery re-sends
  // what was recorded, under the same ids, so nothing goes out twice).
  const done = await runTurn(app, await withMenu(state, message.message), {
    key: { channel: 'whatsapp', updateId: hashedMessageId(message.id, deps.appSecret) },
  });
  // After the turn: on a first message the identity exists only now.
  await state.recordInbound(message.from, message.at);
  if (done.person) await releaseHeld(deps, done.person.id);
  return !done.replayed;
}

/** A typed number answers the numbered menu last sent to this person. */
async function withMenu(state: WhatsAppState, message: InboundMessage): Promise<InboundMessage> {
  if (message.input.kind !== 'text' || !/^\s*\d{1,2}\s*[.)]?\s*$/.test(message.input.text)) return message;
  const data = menuChoice(message.input.text, (await state.contact(message.ref.id))?.menu);
  return data ? { ...message, input: { kind: 'button', data } } : message;
}

/** The person wrote: the window is open, and what was held for them goes out (as new messages). */
async function releaseHeld(deps: WhatsAppWebhookDeps, personId: string): Promise<void> {
  const held = await liveAgain(deps.app, await deps.state.takeHeld(personId, deps.app.clock.now()));
  if (held.length) await deps.app.outbox.enqueue(held.map((m) => ({ ...m, id: `${m.id}~held` })));
}

async function deliveryFailed(
  deps: WhatsAppWebhookDeps,
  failure: DeliveryFailure,
  log: (entry: Record<string, unknown>) => void,
): Promise<void> {
  log({ msg: 'whatsapp message not delivered', code: failure.code });
  if (failure.code === 131047) await deps.state.closeWindow(failure.recipient);
  if (!unreachableCodes.has(failure.code)) return;
  const person = await deps.app.store.findPersonByChannel({ channel: 'whatsapp', id: failure.recipient });
  if (person) await markUnreachable(deps.app, person.id);
}
