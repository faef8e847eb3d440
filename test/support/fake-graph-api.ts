/**
 * A loopback WhatsApp Cloud API for the tests: `POST /<version>/<phone number
 * id>/messages` and `/media` over HTTP on 127.0.0.1. Every message is checked
 * against the Cloud API's published limits (at most 3 reply buttons with
 * titles of at most 20, lists of at most 10 rows with titles of at most 24 and
 * descriptions of at most 72, bodies of at most 1024, no unknown fields or
 * types) and templates against the approved ones; what passes is shown in the
 * recipient's simulated chat. The 24-hour window is enforced as WhatsApp does:
 * a free-form message outside it is accepted, never shown, and reported failed
 * (131047) in a status callback. Simulated users produce webhook bodies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphError, validateMessage, type Shown, type TemplateDef } from './graph-api-spec.js';

export {
  messageSchema,
  validateMessage,
  type GraphMessage,
  type Shown,
  type TemplateDef,
} from './graph-api-spec.js';

export interface GraphCall {
  path: string;
  body: unknown;
  status: number;
  error?: { code: number; message: string };
  /** Injected by a test (not a malformed payload). */
  fault?: boolean;
}

export interface WaUser {
  number: string;
  name: string;
}

export interface Fault {
  code: number;
  /** Only template messages fail (the person is reachable inside the window but no template gets through). */
  templatesOnly?: boolean;
  /** Accepted, then reported failed in a status callback, as WhatsApp does for most delivery failures. */
  async?: boolean;
  /** How many sends fail; default every one. */
  times?: number;
}

export class FakeGraphApi {
  readonly calls: GraphCall[] = [];
  /** Webhook bodies WhatsApp would post next (status callbacks); the test delivers and clears them. */
  readonly pendingStatuses: object[] = [];
  private readonly chats = new Map<string, Shown[]>();
  private readonly lastInbound = new Map<string, number>();
  private readonly faults = new Map<string, Fault>();
  private readonly media = new Map<string, string>();
  private readonly mediaFiles = new Map<string, { type: string; bytes: Buffer }>();
  private nextId = 1;
  apiRoot = '';

  constructor(
    readonly phoneNumberId: string,
    readonly accessToken: string,
    readonly templates: TemplateDef[],
    private readonly now: () => number,
  ) {}

  messages(number: string): Shown[] {
    return this.chats.get(number) ?? [];
  }

  /** Calls refused for a reason the test did not inject: a malformed message or a wrong template. */
  refused(): GraphCall[] {
    return this.calls.filter((c) => c.status !== 200 && !c.fault);
  }

  /** Free-form messages sent outside the 24-hour window (WhatsApp drops them). */
  windowViolations = 0;

  fail(number: string, fault: Fault): void {
    this.faults.set(number, fault);
  }

  mediaContent(id: string): string | undefined {
    return this.media.get(id);
  }

  /** An uploaded file's bytes and declared type (an image is not text). */
  mediaFile(id: string): { type: string; bytes: Buffer } | undefined {
    return this.mediaFiles.get(id);
  }

  // ------------------------------------------------------------ simulated users

  userSends(user: WaUser, text: string): object {
    return this.inbound(user, { type: 'text', text: { body: text } });
  }

  /** A tap on a reply button, a list row or a template's quick reply shown in `shown`. */
  userTaps(user: WaUser, shown: Shown, id: string): object {
    const context = { from: this.phoneNumberId, id: shown.id };
    if (shown.kind === 'template')
      return this.inbound(user, { type: 'button', context, button: { payload: id, text: '' } });
    const kind = shown.kind === 'list' ? 'list_reply' : 'button_reply';
    return this.inbound(user, {
      type: 'interactive',
      context,
      interactive: { type: kind, [kind]: { id, title: '' } },
    });
  }

  userSharesLocation(user: WaUser, latitude: number, longitude: number): object {
    return this.inbound(user, { type: 'location', location: { latitude, longitude } });
  }

  userSharesContact(user: WaUser, phone: string, own = true): object {
    const wa = own ? { wa_id: user.number } : {};
    return this.inbound(user, {
      type: 'contacts',
      contacts: [{ name: { formatted_name: user.name }, phones: [{ phone, type: 'CELL', ...wa }] }],
    });
  }

  userSendsVoice(user: WaUser): object {
    return this.inbound(user, {
      type: 'audio',
      audio: { id: `${9_000_000 + this.nextId++}`, mime_type: 'audio/ogg; codecs=opus', voice: true },
    });
  }

  /** The webhook body for one message from `user` (its window opens now). */
  inbound(user: WaUser, content: Record<string, unknown>): object {
    this.lastInbound.set(user.number, this.now());
    const message = {
      from: user.number,
      id: this.wamid(),
      timestamp: String(Math.floor(this.now() / 1000)),
      ...content,
    };
    return this.body({
      contacts: [{ profile: { name: user.name }, wa_id: user.number }],
      messages: [message],
    });
  }

  body(value: Record<string, unknown>, phoneNumberId = this.phoneNumberId): object {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
                ...value,
              },
            },
          ],
        },
      ],
    };
  }

  // ------------------------------------------------------------------ the API

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const call: GraphCall = { path, body: null, status: 200 };
    this.calls.push(call);
    try {
      if (req.headers.authorization !== `Bearer ${this.accessToken}`)
        throw new GraphError(401, 190, 'Invalid OAuth access token');
      const match = /^\/v\d+\.\d+\/(\d+)\/(messages|media)$/.exec(path);
      if (req.method !== 'POST' || !match) throw new GraphError(400, 100, 'Unknown path components');
      if (match[1] !== this.phoneNumberId)
        throw new GraphError(400, 100, 'Unsupported post request: object does not exist');
      const result =
        match[2] === 'media'
          ? await this.upload(req, raw)
          : this.send((call.body = JSON.parse(raw.toString('utf8'))), call);
      this.reply(res, 200, result);
    } catch (err) {
      const e = err instanceof GraphError ? err : new GraphError(400, 100, String(err));
      call.status = e.status;
      call.error = { code: e.code, message: e.message };
      this.reply(res, e.status, {
        error: { message: e.message, type: 'OAuthException', code: e.code, fbtrace_id: 'AbCdEf' },
      });
    }
  }

  private send(body: unknown, call: GraphCall): object {
    const { message, shown } = validateMessage(body, this.templates);
    const id = this.wamid();
    const to = message.to;
    const answer = {
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to }],
      messages: [{ id }],
    };
    const fault = this.faults.get(to);
    if (fault && (!fault.templatesOnly || message.type === 'template')) {
      if (fault.times !== undefined && --fault.times <= 0) this.faults.delete(to);
      call.fault = true;
      if (!fault.async) throw new GraphError(400, fault.code, `(#${fault.code}) injected`);
      this.status(id, to, fault.code);
      return answer;
    }
    const last = this.lastInbound.get(to);
    if (message.type !== 'template' && (last === undefined || this.now() - last >= 24 * 3600_000)) {
      this.windowViolations++;
      this.status(id, to, 131047);
      return answer;
    }
    this.chats.set(to, [...this.messages(to), { id, ...shown }]);
    return answer;
  }

  private async upload(req: IncomingMessage, raw: Buffer): Promise<object> {
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: raw,
    }).formData();
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob))
      throw new GraphError(400, 131008, 'Required parameter is missing');
    const id = `media-${this.nextId++}`;
    this.media.set(id, await file.text());
    this.mediaFiles.set(id, { type: String(form.get('type')), bytes: Buffer.from(await file.arrayBuffer()) });
    return { id };
  }

  private status(id: string, recipient: string, code: number): void {
    const error = {
      code,
      title: `error ${code}`,
      message: `error ${code}`,
      error_data: { details: 'injected' },
    };
    const status = {
      id,
      status: 'failed',
      timestamp: String(Math.floor(this.now() / 1000)),
      recipient_id: recipient,
      errors: [error],
    };
    this.pendingStatuses.push(this.body({ statuses: [status] }));
  }

  private wamid(): string {
    return `wamid.${Buffer.from(`fake-${this.nextId++}`).toString('base64')}`;
  }

  private reply(res: ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

export async function startFakeGraphApi(options: {
  phoneNumberId: string;
  accessToken: string;
  templates: TemplateDef[];
  now: () => number;
}): Promise<FakeGraphApi & { close(): Promise<void> }> {
  const api = new FakeGraphApi(options.phoneNumberId, options.accessToken, options.templates, options.now);
  const server = createServer((req, res) => void api.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v24.0`;
  return Object.assign(api, {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
