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
import { z } from 'zod';

export interface TemplateDef {
  name: string;
  language: string;
  /** Body with {{1}}, {{2}}… */
  body: string;
  quickReplies: string[];
}

/** A message as the recipient sees it. */
export interface Shown {
  id: string;
  kind: 'text' | 'buttons' | 'list' | 'location' | 'template' | 'audio' | 'document';
  text: string;
  /** Reply buttons, list rows or a template's quick replies (id = the payload). */
  choices: { id: string; title: string; description?: string }[];
}

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

const digits = z.string().regex(/^\d{5,20}$/);
const envelope = {
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: digits,
};
const footer = z.strictObject({ text: z.string().min(1).max(60) }).optional();
const header = z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(60) }).optional();
const replyButton = z.strictObject({
  type: z.literal('reply'),
  reply: z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
});
const row = z.strictObject({
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(24),
  description: z.string().min(1).max(72).optional(),
});
const unique = (values: string[]) => new Set(values).size === values.length;
const interactive = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('button'),
    header,
    footer,
    body: z.strictObject({ text: z.string().min(1).max(1024) }),
    action: z.strictObject({ buttons: z.array(replyButton).min(1).max(3) }),
  }),
  z.strictObject({
    type: z.literal('list'),
    header,
    footer,
    body: z.strictObject({ text: z.string().min(1).max(1024) }),
    action: z.strictObject({
      button: z.string().min(1).max(20),
      sections: z
        .array(
          z.strictObject({ title: z.string().min(1).max(24).optional(), rows: z.array(row).min(1).max(10) }),
        )
        .min(1)
        .max(10),
    }),
  }),
  z.strictObject({
    type: z.literal('location_request_message'),
    body: z.strictObject({ text: z.string().min(1).max(1024) }),
    action: z.strictObject({ name: z.literal('send_location') }),
  }),
]);
const component = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('body'),
    parameters: z.array(z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(1024) })),
  }),
  z.strictObject({
    type: z.literal('button'),
    sub_type: z.literal('quick_reply'),
    index: z.string().regex(/^\d$/),
    parameters: z
      .array(z.strictObject({ type: z.literal('payload'), payload: z.string().min(1).max(256) }))
      .length(1),
  }),
]);
export const messageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...envelope,
    type: z.literal('text'),
    text: z.strictObject({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }),
  }),
  z.strictObject({ ...envelope, type: z.literal('interactive'), interactive }),
  z.strictObject({
    ...envelope,
    type: z.literal('template'),
    template: z.strictObject({
      name: z.string().min(1).max(512),
      language: z.strictObject({ code: z.string().min(2), policy: z.literal('deterministic').optional() }),
      components: z.array(component).optional(),
    }),
  }),
  z.strictObject({ ...envelope, type: z.literal('audio'), audio: z.strictObject({ id: z.string().min(1) }) }),
  z.strictObject({
    ...envelope,
    type: z.literal('document'),
    document: z.strictObject({
      id: z.string().min(1),
      filename: z.string().min(1).max(240).optional(),
      caption: z.string().min(1).max(1024).optional(),
    }),
  }),
]);
export type GraphMessage = z.infer<typeof messageSchema>;

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Checks what Meta checks beyond the schema: unique ids and titles, rows in all, templates against the approved ones. */
export function validateMessage(
  body: unknown,
  templates: TemplateDef[],
): { message: GraphMessage; shown: Omit<Shown, 'id'> } {
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success)
    throw new GraphError(
      400,
      131009,
      `(#131009) Parameter value is not valid: ${z.prettifyError(parsed.error)}`,
    );
  const m = parsed.data;
  switch (m.type) {
    case 'text':
      return { message: m, shown: { kind: 'text', text: m.text.body, choices: [] } };
    case 'audio':
      return { message: m, shown: { kind: 'audio', text: '', choices: [] } };
    case 'document':
      return { message: m, shown: { kind: 'document', text: m.document.caption ?? '', choices: [] } };
    case 'template':
      return { message: m, shown: renderTemplate(m.template, templates) };
  }
  const i = m.interactive;
  if (i.type === 'location_request_message')
    return { message: m, shown: { kind: 'location', text: i.body.text, choices: [] } };
  if (i.type === 'button') {
    const choices = i.action.buttons.map((b) => ({ id: b.reply.id, title: b.reply.title }));
    if (!unique(choices.map((c) => c.id)) || !unique(choices.map((c) => c.title))) {
      throw new GraphError(400, 131009, '(#131009) Button titles and ids must be unique');
    }
    return { message: m, shown: { kind: 'buttons', text: i.body.text, choices } };
  }
  const rows = i.action.sections.flatMap((s) => s.rows);
  if (rows.length > 10)
    throw new GraphError(400, 131009, '(#131009) Total row count exceed max allowed count: 10');
  if (!unique(rows.map((r) => r.id))) throw new GraphError(400, 131009, '(#131009) Row ids must be unique');
  if (i.action.sections.length > 1 && i.action.sections.some((s) => !s.title)) {
    throw new GraphError(400, 131008, '(#131008) Section title is required with more than one section');
  }
  return { message: m, shown: { kind: 'list', text: i.body.text, choices: rows } };
}

function renderTemplate(
  t: Extract<GraphMessage, { type: 'template' }>['template'],
  templates: TemplateDef[],
): Omit<Shown, 'id'> {
  const def = templates.find((d) => d.name === t.name && d.language === t.language.code);
  if (!def) throw new GraphError(404, 132001, `(#132001) Template name does not exist in the translation`);
  const params = (t.components ?? [])
    .filter((c) => c.type === 'body')
    .flatMap((c) => c.parameters.map((p) => p.text));
  const expected = new Set([...def.body.matchAll(/\{\{(\d+)\}\}/g)].map((x) => x[1])).size;
  if (params.length !== expected)
    throw new GraphError(400, 132000, '(#132000) Number of parameters does not match');
  if (params.some((p) => /[\n\t]| {5,}/.test(p)))
    throw new GraphError(400, 132018, '(#132018) Invalid parameter text');
  const buttons = (t.components ?? []).filter((c) => c.type === 'button');
  const indexes = buttons.map((b) => Number(b.index)).sort();
  if (buttons.length !== def.quickReplies.length || indexes.some((n, k) => n !== k)) {
    throw new GraphError(400, 132000, '(#132000) Button parameters do not match the template');
  }
  const text = def.body.replace(/\{\{(\d+)\}\}/g, (_, n: string) => params[Number(n) - 1] ?? '');
  const choices = buttons.map((b) => ({
    id: b.parameters[0]!.payload,
    title: def.quickReplies[Number(b.index)]!,
  }));
  return { kind: 'template', text, choices };
}

export class FakeGraphApi {
  readonly calls: GraphCall[] = [];
  /** Webhook bodies WhatsApp would post next (status callbacks); the test delivers and clears them. */
  readonly pendingStatuses: object[] = [];
  private readonly chats = new Map<string, Shown[]>();
  private readonly lastInbound = new Map<string, number>();
  private readonly faults = new Map<string, Fault>();
  private readonly media = new Map<string, string>();
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
