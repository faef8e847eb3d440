import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { OtherRoutes } from './bot-api/server.js';
import { SimInputError, type Simulator } from './simulator.js';

const publicDir = new URL('./public/', import.meta.url);
const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

const paneActions = {
  text: z.object({ text: z.string().trim().min(1).max(4096) }),
  press: z.object({ messageId: z.number().int().positive(), data: z.string().min(1).max(64) }),
  location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  contact: z.object({}),
  voice: z.object({ seconds: z.number().int().min(1).max(600) }),
  'mediator-invite': z.object({ zoneId: z.string().min(1).max(40) }),
  'new-person': z.object({ name: z.string().trim().min(1).max(60), lang: z.enum(['it', 'en']) }),
  remove: z.object({}),
};
type PaneAction = keyof typeof paneActions;

const clockBody = z.union([
  z.object({ to: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/, 'YYYY-MM-DDTHH:mm') }),
  z.object({
    minutes: z
      .number()
      .int()
      .min(1)
      .max(31 * 24 * 60),
  }),
  z.object({ next: z.literal(true) }),
]);
const newPaneBody = paneActions['new-person'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The simulator's page and its API, served beside the Bot API:
 * `GET /` the page, `GET /sim/state` everything it shows, `GET /sim/events`
 * server-sent "changed" events, `POST /sim/panes/<id>/<action>` what a person
 * does in a pane, `POST /sim/panes` a new pane, `POST /sim/clock` a jump,
 * `POST /sim/reset` the demo as new, `GET /sim/files/<id>` a document the bot sent.
 */
export function simulatorRoutes(sim: Simulator): OtherRoutes {
  return async (req, res, url) => {
    try {
      await route(sim, req, res, url);
    } catch (err) {
      const status =
        err instanceof HttpError
          ? err.status
          : err instanceof SimInputError || err instanceof z.ZodError
            ? 400
            : 500;
      const message =
        err instanceof z.ZodError
          ? err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
          : err instanceof Error
            ? err.message
            : String(err);
      if (status === 500) console.error(JSON.stringify({ msg: 'simulator request failed', error: message }));
      json(res, status, { error: message });
    }
  };
}

async function route(sim: Simulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  if (req.method === 'GET') {
    if (path === '/') return serveFile(res, 'index.html');
    if (path === '/sim/state') return json(res, 200, sim.state());
    if (path === '/sim/events') return events(sim, req, res);
    const file = /^\/sim\/files\/([\w-]+)$/.exec(path)?.[1];
    if (file) return document(sim, res, file);
    const asset = /^\/([\w-]+\.(?:js|css|svg))$/.exec(path)?.[1];
    if (asset) return serveFile(res, asset);
    throw new HttpError(404, 'Not found');
  }
  if (req.method !== 'POST') throw new HttpError(405, 'Method not allowed');
  // A JSON content type cannot be sent cross-site without a preflight, which this server never answers.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'Send application/json');
  }
  const body = await readJson(req);
  if (path === '/sim/clock') {
    const jump = clockBody.parse(body);
    const steps =
      'to' in jump
        ? await sim.advanceToLocal(jump.to)
        : 'minutes' in jump
          ? await sim.advance(new Date(sim.clock.ms() + jump.minutes * 60_000))
          : await sim.advanceToNext();
    return json(res, 200, { steps, now: sim.clock.now().toISOString() });
  }
  if (path === '/sim/reset') {
    await sim.reset();
    return json(res, 200, { ok: true });
  }
  if (path === '/sim/panes') {
    const { name, lang } = newPaneBody.parse(body);
    return json(res, 200, sim.newPerson(name, lang));
  }
  const [, paneId = '', action = ''] = /^\/sim\/panes\/([\w-]+)\/([\w-]+)$/.exec(path) ?? [];
  if (!(action in paneActions)) throw new HttpError(404, 'Not found');
  await paneAction(sim, paneId, action as PaneAction, body);
  json(res, 200, { ok: true });
}

async function paneAction(sim: Simulator, paneId: string, action: PaneAction, body: unknown): Promise<void> {
  switch (action) {
    case 'text':
      return sim.text(paneId, paneActions.text.parse(body).text);
    case 'press': {
      const { messageId, data } = paneActions.press.parse(body);
      return sim.press(paneId, messageId, data);
    }
    case 'location': {
      const { lat, lon } = paneActions.location.parse(body);
      return sim.location(paneId, lat, lon);
    }
    case 'contact':
      return sim.contact(paneId);
    case 'voice':
      return sim.voice(paneId, paneActions.voice.parse(body).seconds);
    case 'mediator-invite':
      return sim.mediatorInvite(paneId, paneActions['mediator-invite'].parse(body).zoneId);
    case 'new-person': {
      const { name, lang } = paneActions['new-person'].parse(body);
      sim.newPerson(name, lang, paneId);
      return;
    }
    case 'remove':
      return sim.removePane(paneId);
  }
}

/** Server-sent events: `changed` with the state's version whenever it moves. */
function events(sim: Simulator, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const send = (version: number) => res.write(`event: changed\ndata: ${version}\n\n`);
  res.write('retry: 1000\n\n');
  send(sim.state().version);
  const stop = sim.onChange(send);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
  req.on('close', () => {
    stop();
    clearInterval(keepAlive);
  });
}

/** An image's type by its first bytes (the name a bot gives a photo may say anything). */
function imageType(bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined;
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return undefined;
}

function document(sim: Simulator, res: ServerResponse, fileId: string): void {
  const file = sim.api.file(fileId);
  if (!file) throw new HttpError(404, 'No such file');
  // A photo (the figures' chart) is shown in the pane; anything else is a download.
  const image = fileId.startsWith('photo-') ? imageType(file.bytes) : undefined;
  if (image && file.bytes) {
    res.writeHead(200, { 'content-type': image, 'x-content-type-options': 'nosniff' }).end(file.bytes);
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
  });
  res.end(file.content);
}

async function serveFile(res: ServerResponse, name: string): Promise<void> {
  let content: Buffer;
  try {
    content = await readFile(new URL(name, publicDir));
  } catch {
    throw new HttpError(404, 'Not found');
  }
  const type = contentTypes[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(content);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, 'Too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'Not JSON');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
