import * as z from 'zod';

/**
 * The channels a deployment serves besides Telegram, from the CDK context (cdk.json's `context`, or
 * `npm run deploy -- -c vicini:whatsapp=true`). Unset, Telegram only: no WhatsApp secret, webhook,
 * parameters or alarms.
 */
export interface Channels {
  whatsapp?: boolean;
}

/** A `-c` value arrives as a string, a cdk.json one as a boolean: both are read. */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional();
const shape = z.object({ 'vicini:whatsapp': flag });

export class ChannelsError extends Error {
  override name = 'ChannelsError';
}

export function channels(context: (key: string) => unknown): Channels {
  const parsed = shape.safeParse({ 'vicini:whatsapp': context('vicini:whatsapp') });
  if (!parsed.success)
    throw new ChannelsError(
      `Bad channels in the CDK context: vicini:whatsapp is true or false, not ${JSON.stringify(context('vicini:whatsapp'))}.`,
    );
  const whatsapp = parsed.data['vicini:whatsapp'];
  return whatsapp !== undefined ? { whatsapp } : {};
}
