/**
 * A loopback Telegram Bot API, for the end-to-end tests and for the browser
 * chat simulator: grammY's real client talks to it through
 * `new Bot(token, { client: { apiRoot } })`. Every call is recorded and
 * validated against the published method list (spec.ts), then applied to an
 * in-memory Telegram (telegram.ts) whose simulated users feed getUpdates.
 * Faults can be injected deterministically. Paths other than `/bot<token>/…`
 * go to the handler given to `serveOther` (the simulator's page and API).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import { BotApiError, coerceFormParam, isRecord, isUploadedFile, resolveMethod } from './spec.js';
import { validateCall, type Params, type UploadedFile } from './spec.js';
import { FakeTelegram } from './telegram.js';

export type { Params, UploadedFile } from './spec.js';
export type { ChatState, FakeUser } from './telegram.js';

export interface RecordedCall {
  method: string;
  params: Params;
  ok: boolean;
  result?: unknown;
  error?: { error_code: number; description: string };
  /** Set when the failure was injected by the fault settings. */
  fault?: FaultKind;
}

export type FaultKind = '429' | '500' | 'timeout' | '403';

export interface FaultOptions {
  /** Probability (0..1) that a call fails. */
  rate: number;
  kinds: FaultKind[];
  /** PRNG seed, so the same sequence of calls fails the same way (default 1). */
  seed?: number;
  /** Only these methods fail (default: every method, getUpdates included). */
  methods?: string[];
  /** How long a 'timeout' fault holds the response before destroying the socket (default 2000 ms). */
  timeoutMs?: number;
  /** retry_after of a '429' fault, in seconds (default 1). */
  retryAfter?: number;
  /** Instead of a rate: only the n-th matching call (from `setFaults`, 1-based) fails, with the first kind. */
  nth?: number;
}

export interface FakeBotApiOptions {
  token?: string;
  botUsername?: string;
  faults?: FaultOptions;
  /** The time in ms that message dates carry (default: real time). */
  clock?: () => number;
}

/** Serves a request that is not a Bot API call. */
export type OtherRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const DEFAULT_TOKEN = '7000000001:AAFakeTokenForVicini_test-0123456789';
const SENDING_METHOD = /^(send(?!ChatAction)|edit|copyMessage|forwardMessage|deleteMessage)/;

const badRequest = (description: string) => new BotApiError(400, `Bad Request: ${description}`);

/** Deterministic PRNG (mulberry32) yielding numbers in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function botIdOf(token: string): number {
  const id = /^(\d+):[\w-]+$/.exec(token)?.[1];
  if (!id) throw new Error(`FakeBotApi: "${token}" does not look like a bot token (<id>:<secret>)`);
  return Number(id);
}

// ----------------------------------------------------------- request decoding

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Minimal multipart/form-data parser. Node 20's `Request#formData()` rejects the
 * compact part headers grammY writes (`content-disposition:form-data;name="x";filename=y`),
 * so the parts are split here instead.
 */
function parseMultipart(
  body: Buffer,
  boundary: string,
): Array<{ name: string; filename?: string; data: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let pos = body.indexOf(delimiter);
  while (
    pos !== -1 &&
    body.subarray(pos + delimiter.length, pos + delimiter.length + 2).toString() !== '--'
  ) {
    const start = pos + delimiter.length + 2; // skip CRLF after the delimiter
    pos = body.indexOf(delimiter, start);
    const part = body.subarray(start, pos === -1 ? body.length : pos - 2); // drop CRLF before the next one
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const name = /;\s*name="([^"]*)"/i.exec(head)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(head)?.[1];
    const filename = /;\s*filename=(?:"([^"]*)"|([^;\r\n]*))/i.exec(head);
    if (split === -1 || name === undefined) throw badRequest("can't parse multipart/form-data body");
    parts.push({ name, filename: filename?.[1] ?? filename?.[2], data: part.subarray(split + 4) });
  }
  return parts;
}

/** Replaces `attach://<name>` references with the uploaded files they point to. */
function attachFiles(value: unknown, files: Map<string, UploadedFile>, used: Set<string>): unknown {
  if (typeof value === 'string' && value.startsWith('attach://') && files.has(value.slice(9))) {
    used.add(value.slice(9));
    return files.get(value.slice(9));
  }
  if (Array.isArray(value)) return value.map((v) => attachFiles(v, files, used));
  if (isRecord(value) && !isUploadedFile(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, attachFiles(v, files, used)]));
  }
  return value;
}

/**
 * Params of a call from its query string and JSON, urlencoded or multipart body, and the files
 * uploaded with it. A file no param names is a param of its own; those that an `attach://<name>`
 * string names stay strings here, as Telegram checks them, until {@link attachFiles} puts them in.
 */
async function readParams(
  method: string,
  req: IncomingMessage,
  url: URL,
): Promise<{ params: Params; files: Map<string, UploadedFile> }> {
  const params: Params = {};
  const files = new Map<string, UploadedFile>();
  const setFormValue = (value: string, key: string) => (params[key] = coerceFormParam(method, key, value));
  url.searchParams.forEach(setFormValue);
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  if (body.length > 0 && /^application\/json/i.test(contentType)) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON body");
    }
    if (!isRecord(json)) throw badRequest('JSON body must be an object');
    Object.assign(params, json);
  } else if (body.length > 0 && /^application\/x-www-form-urlencoded/i.test(contentType)) {
    new URLSearchParams(body.toString('utf8')).forEach(setFormValue);
  } else if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    if (!boundary) throw badRequest('multipart/form-data without boundary');
    for (const { name, filename, data } of parseMultipart(body, (boundary[1] ?? boundary[2]) as string)) {
      if (filename === undefined) setFormValue(data.toString('utf8'), name);
      else {
        // The bytes ride along unlisted (not enumerable): recorded params read as before, and an image stays whole.
        const file: UploadedFile = { filename, content: data.toString('utf8') };
        Object.defineProperty(file, 'bytes', { value: data, enumerable: false });
        files.set(name, file);
      }
    }
    const named = new Set<string>();
    attachFiles(params, files, named);
    for (const [name, file] of files) if (!named.has(name)) params[name] = file;
  }
  for (const [key, value] of Object.entries(params))
    if (value === null || value === undefined) delete params[key];
  return { params, files };
}

// ----------------------------------------------------------------- the fake

export class FakeBotApi extends FakeTelegram {
  /** Every call, in the order answered. */
  readonly calls: RecordedCall[] = [];
  readonly token: string;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private readonly heldSockets = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  private faults?: FaultOptions;
  private random = prng(1);
  /** Calls that matched the faults' methods since `setFaults` (for `nth`). */
  private matching = 0;
  private other?: OtherRoutes;

  constructor(options: FakeBotApiOptions = {}) {
    const token = options.token ?? DEFAULT_TOKEN;
    super(botIdOf(token), options.botUsername ?? 'vicini_test_bot', options.clock);
    this.token = token;
    this.setFaults(options.faults);
  }

  /** e.g. `http://127.0.0.1:PORT`; valid once listening. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The port it listens on; valid once listening. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Listens on `host` (loopback by default) and `port` (a free one by default). */
  listen(port = 0, host = '127.0.0.1'): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject).listen(port, host, () => resolve(this));
    });
  }

  /** Hands every request outside `/bot…` to `routes` (otherwise they get 404). */
  serveOther(routes: OtherRoutes): void {
    this.other = routes;
  }

  async close(): Promise<void> {
    this.events.emit('closing'); // answer pending long polls
    for (const held of this.heldSockets) {
      clearTimeout(held.timer);
      held.res.destroy();
    }
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Forgets calls and all Telegram state (chats, updates, commands, webhook); keeps token and faults. */
  override reset(): void {
    this.calls.length = 0;
    super.reset();
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.faults = faults;
    this.random = prng(faults?.seed ?? 1);
    this.matching = 0;
  }

  /** Calls `listener` after each call answered and each update queued; returns how to stop. */
  subscribe(listener: () => void): () => void {
    this.events.on('call', listener).on('update', listener);
    return () => void this.events.off('call', listener).off('update', listener);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Successful message-producing calls (send*, edit*, copy/forward/deleteMessage) to a chat. */
  sentTo(chatId: number | string): RecordedCall[] {
    return this.calls.filter(
      (c) => c.ok && SENDING_METHOD.test(c.method) && String(c.params.chat_id) === String(chatId),
    );
  }

  /**
   * Resolves with the first call recorded from index `since` (default: calls made from now on)
   * that satisfies `predicate`; rejects after `timeoutMs`.
   */
  waitFor(
    predicate: (call: RecordedCall) => boolean,
    timeoutMs = 5000,
    since = this.calls.length,
  ): Promise<RecordedCall> {
    const earlier = this.calls.slice(since).find(predicate);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.events.off('call', onCall);
        settle();
      };
      const onCall = (call: RecordedCall) => {
        try {
          if (predicate(call)) finish(() => resolve(call));
        } catch (error) {
          finish(() => reject(error as Error));
        }
      };
      const timer = setTimeout(() => {
        const seen = this.calls.slice(since).map((c) => c.method + (c.ok ? '' : `(${c.error?.error_code})`));
        const message = `waitFor: no matching call within ${timeoutMs} ms; calls meanwhile: [${seen.join(', ')}]`;
        finish(() => reject(new Error(message)));
      }, timeoutMs);
      this.events.on('call', onCall);
    });
  }

  // ---------------------------------------------------------------- serving

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.other && !url.pathname.startsWith('/bot')) return this.serveOtherRoute(req, res, url);
    const [, token = '', rawMethod = ''] = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname) ?? [];
    const method = resolveMethod(rawMethod) ?? rawMethod;
    const call: RecordedCall = { method, params: {}, ok: false };
    try {
      if (!rawMethod) throw new BotApiError(404, 'Not Found');
      const { params, files } = await readParams(method, req, url);
      call.params = params;
      if (token !== this.token) throw new BotApiError(401, 'Unauthorized');
      if (!resolveMethod(rawMethod)) throw new BotApiError(404, 'Not Found');
      const fault = this.pickFault(method);
      if (fault === 'timeout') return this.holdUntilTimeout(call, res);
      if (fault) throw this.faultError(fault, call);
      validateCall(method, call.params);
      if (files.size > 0) call.params = attachFiles(call.params, files, new Set()) as Params;
      const result =
        method === 'getUpdates'
          ? await this.getUpdates(call.params, res)
          : (this.methods[method]?.(call.params) ?? true);
      if (res.destroyed) throw new BotApiError(0, 'connection closed by the client');
      Object.assign(call, { ok: true, result });
      this.reply(res, 200, { ok: true, result }, call);
    } catch (error) {
      const e =
        error instanceof BotApiError ? error : new BotApiError(500, `Internal Server Error: ${error}`);
      call.error = { error_code: e.errorCode, description: e.description };
      const parameters = e.parameters ? { parameters: e.parameters } : {};
      this.reply(res, e.errorCode || 500, { ok: false, ...call.error, ...parameters }, call);
    }
  }

  private async serveOtherRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      await this.other?.(req, res, url);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private reply(res: ServerResponse, status: number, body: unknown, call: RecordedCall): void {
    this.record(call);
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.events.emit('call', call);
  }

  /** Long polling: waits up to `timeout` seconds for an update, the client leaving or close(). */
  private async getUpdates(p: Params, res: ServerResponse): Promise<Update[]> {
    const updates = this.takeUpdates(p);
    const timeout = (p.timeout as number | undefined) ?? 0;
    if (updates.length > 0 || timeout <= 0) return updates;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off('update', done).off('closing', done);
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, timeout * 1000);
      this.events.on('update', done).on('closing', done);
      res.on('close', done);
    });
    return this.takeUpdates(p);
  }

  // ----------------------------------------------------------------- faults

  private pickFault(method: string): FaultKind | undefined {
    const f = this.faults;
    if (!f || f.kinds.length === 0 || (f.methods && !f.methods.includes(method))) return undefined;
    if (f.nth !== undefined) return ++this.matching === f.nth ? f.kinds[0] : undefined;
    if (this.random() >= f.rate) return undefined;
    return f.kinds[Math.floor(this.random() * f.kinds.length)];
  }

  private faultError(kind: Exclude<FaultKind, 'timeout'>, call: RecordedCall): BotApiError {
    call.fault = kind;
    if (kind === '403') return new BotApiError(403, 'Forbidden: bot was blocked by the user');
    if (kind === '500') return new BotApiError(500, 'Internal Server Error');
    const retry_after = this.faults?.retryAfter ?? 1;
    return new BotApiError(429, `Too Many Requests: retry after ${retry_after}`, { retry_after });
  }

  /** Records the call as failed at once, then destroys the socket without answering. */
  private holdUntilTimeout(call: RecordedCall, res: ServerResponse): void {
    const ms = this.faults?.timeoutMs ?? 2000;
    const error = { error_code: 0, description: `no answer, socket destroyed after ${ms} ms` };
    this.record(Object.assign(call, { fault: 'timeout', error }));
    const held = { res, timer: setTimeout(() => (this.heldSockets.delete(held), res.destroy()), ms) };
    this.heldSockets.add(held);
  }
}

/** Starts a fake Bot API on 127.0.0.1 on a free port. */
export function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  return new FakeBotApi(options).listen();
}
