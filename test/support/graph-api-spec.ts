/**
 * What the WhatsApp Cloud API accepts in `POST /{phone-number-id}/messages`,
 * as the loopback Graph API (fake-graph-api.ts) checks it: the published
 * limits of each message type (reply buttons, lists, location requests,
 * templates against the approved ones, text, audio, documents), no unknown
 * fields or types, and what each message shows the recipient.
 */
import { z } from 'zod';

export interface TemplateDef {
  name: string;
  language: string;
  /** Body with {{1}}, {{2}}… */
  body: string;
  quickReplies: string[];
  /** An image header: each message must give its image (an uploaded media id). */
  header?: 'image';
}

/** A message as the recipient sees it. */
export interface Shown {
  id: string;
  kind: 'text' | 'buttons' | 'list' | 'location' | 'template' | 'audio' | 'document' | 'image';
  text: string;
  /** Reply buttons, list rows or a template's quick replies (id = the payload). */
  choices: { id: string; title: string; description?: string }[];
  /** A template's header image: the media id it was sent with. */
  image?: string;
}

/**
 * A string of `min` to `max` characters counted in UTF-16 units (an emoji is
 * two), the strictest reading of WhatsApp's limits: zod's own max counts code points.
 */
const chars = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .refine((s) => s.length <= max, `at most ${max} characters (UTF-16)`);

const digits = z.string().regex(/^\d{5,20}$/);
const envelope = {
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: digits,
};
const footer = z.strictObject({ text: chars(1, 60) }).optional();
const header = z.strictObject({ type: z.literal('text'), text: chars(1, 60) }).optional();
const replyButton = z.strictObject({
  type: z.literal('reply'),
  reply: z.strictObject({ id: chars(1, 256), title: chars(1, 20) }),
});
const row = z.strictObject({
  id: chars(1, 200),
  title: chars(1, 24),
  description: chars(1, 72).optional(),
});
const unique = (values: string[]) => new Set(values).size === values.length;
const interactive = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('button'),
    header,
    footer,
    body: z.strictObject({ text: chars(1, 1024) }),
    action: z.strictObject({ buttons: z.array(replyButton).min(1).max(3) }),
  }),
  z.strictObject({
    type: z.literal('list'),
    header,
    footer,
    body: z.strictObject({ text: chars(1, 1024) }),
    action: z.strictObject({
      button: chars(1, 20),
      sections: z
        .array(z.strictObject({ title: chars(1, 24).optional(), rows: z.array(row).min(1).max(10) }))
        .min(1)
        .max(10),
    }),
  }),
  z.strictObject({
    type: z.literal('location_request_message'),
    body: z.strictObject({ text: chars(1, 1024) }),
    action: z.strictObject({ name: z.literal('send_location') }),
  }),
]);
const component = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('header'),
    parameters: z
      .array(z.strictObject({ type: z.literal('image'), image: z.strictObject({ id: z.string().min(1) }) }))
      .length(1),
  }),
  z.strictObject({
    type: z.literal('body'),
    parameters: z.array(z.strictObject({ type: z.literal('text'), text: chars(1, 1024) })),
  }),
  z.strictObject({
    type: z.literal('button'),
    sub_type: z.literal('quick_reply'),
    index: z.string().regex(/^\d$/),
    parameters: z.array(z.strictObject({ type: z.literal('payload'), payload: chars(1, 256) })).length(1),
  }),
]);
export const messageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...envelope,
    type: z.literal('text'),
    text: z.strictObject({ body: chars(1, 4096), preview_url: z.boolean().optional() }),
  }),
  z.strictObject({ ...envelope, type: z.literal('interactive'), interactive }),
  z.strictObject({
    ...envelope,
    type: z.literal('template'),
    template: z.strictObject({
      name: chars(1, 512),
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
      filename: chars(1, 240).optional(),
      caption: chars(1, 1024).optional(),
    }),
  }),
  z.strictObject({
    ...envelope,
    type: z.literal('image'),
    image: z.strictObject({ id: z.string().min(1), caption: chars(1, 1024).optional() }),
  }),
]);
export type GraphMessage = z.infer<typeof messageSchema>;

export class GraphError extends Error {
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
    case 'image':
      return { message: m, shown: { kind: 'image', text: m.image.caption ?? '', choices: [] } };
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
  const headers = (t.components ?? []).filter((c) => c.type === 'header');
  if (headers.length !== (def.header ? 1 : 0))
    throw new GraphError(
      400,
      132012,
      '(#132012) Parameter format does not match format in the created template',
    );
  const image = headers[0]?.parameters[0]?.image.id;
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
  return { kind: 'template', text, choices, ...(image ? { image } : {}) };
}
