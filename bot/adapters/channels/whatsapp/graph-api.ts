/**
 * The two Cloud API calls the bot makes, over `fetch`: send a message
 * (`POST /{phone-number-id}/messages`) and upload a file to send
 * (`POST /{phone-number-id}/media`). Errors keep Graph's code and nothing of
 * the message.
 */

/** Graph answered with an error (or not at all with JSON). */
export class GraphApiError extends Error {
  override name = 'GraphApiError';
  constructor(
    readonly status: number,
    /** Graph's error code (131047, 130429…); undefined when the body had none. */
    readonly code: number | undefined,
    readonly subcode?: number,
  ) {
    super(`WhatsApp Cloud API error ${code ?? '-'} (HTTP ${status})`);
  }
}

export interface GraphClient {
  /** Sends one message to a WhatsApp number; resolves with its id (wamid). */
  send(to: string, message: object, signal?: AbortSignal): Promise<{ id: string }>;
  /** Uploads a file for a later message; resolves with the media id. */
  upload(
    file: { filename: string; content: string | Uint8Array; type: string },
    signal?: AbortSignal,
  ): Promise<string>;
}

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com/v24.0 */
  apiRoot: string;
  phoneNumberId: string;
  accessToken: string;
  fetch?: typeof fetch;
}

export function graphClient(options: GraphClientOptions): GraphClient {
  const base = `${options.apiRoot.replace(/\/+$/, '')}/${options.phoneNumberId}`;
  const call = options.fetch ?? fetch;
  const auth = { authorization: `Bearer ${options.accessToken}` };
  const read = async (response: Response): Promise<Record<string, unknown>> => {
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    const error = body?.error as { code?: unknown; error_subcode?: unknown } | undefined;
    if (!response.ok || !body || error) {
      const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
      throw new GraphApiError(response.status, num(error?.code), num(error?.error_subcode));
    }
    return body;
  };
  return {
    async send(to, message, signal) {
      const response = await call(`${base}/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
        signal,
      });
      const body = await read(response);
      const id = (body.messages as { id?: unknown }[] | undefined)?.[0]?.id;
      if (typeof id !== 'string') throw new GraphApiError(response.status, undefined);
      return { id };
    },
    async upload(file, signal) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', file.type);
      form.set('file', new Blob([file.content], { type: file.type }), file.filename);
      const response = await call(`${base}/media`, { method: 'POST', headers: auth, body: form, signal });
      const id = (await read(response)).id;
      if (typeof id !== 'string') throw new GraphApiError(response.status, undefined);
      return id;
    },
  };
}

/** What a failed call means for the message. */
export type Failure =
  /** A rate limit (throughput, pair rate, spam rate, app or account): wait and try again. */
  | 'throttled'
  /** Graph or the network failed: try again with backoff. */
  | 'transient'
  /** The person is outside the 24-hour window (131047): only a template can reach them. */
  | 'windowClosed'
  /** The message cannot reach this person (131026: not on WhatsApp, old app, blocked…). */
  | 'undeliverable'
  /** The bot's own configuration is wrong (token, permissions, phone number id): no message is to blame. */
  | 'setup'
  /** This message was refused (a malformed payload, an unknown template…): trying again cannot help. */
  | 'rejected';

const throttled = new Set([4, 80007, 130429, 131048, 131056]);
const transient = new Set([1, 2, 131000, 131016, 133004]);
const setup = new Set([0, 3, 10, 190, 131005, 131031, 133010]);

export function classify(err: unknown): Failure {
  if (!(err instanceof GraphApiError)) return 'transient';
  const { code, status } = err;
  if (code !== undefined && throttled.has(code)) return 'throttled';
  if (status === 429) return 'throttled';
  if (code === 131047) return 'windowClosed';
  if (code === 131026) return 'undeliverable';
  if (status === 401 || (code !== undefined && (setup.has(code) || (code >= 200 && code < 300))))
    return 'setup';
  if (status >= 500 || (code !== undefined && transient.has(code))) return 'transient';
  return 'rejected';
}
