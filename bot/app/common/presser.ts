import type { ChannelRef } from '../../domain/person.js';
import type { Reply } from '../../flows/types.js';
import type { OutboundMessage } from '../../core/outbound.js';

/**
 * The presser's replies as outbound messages with ids from the update: the
 * first reply marked `edit` edits the pressed message (or, where that cannot
 * be edited, is sent anew); the others are sent in order.
 */
export function presserMessages(
  to: ChannelRef,
  personId: string,
  lang: string,
  replies: Reply[],
  prefix: string,
  pressed: number | undefined,
  at: Date,
): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  const answers = at.toISOString();
  let edited = false;
  let run: Reply[] = [];
  const flush = () => {
    if (run.length) out.push({ id: `${prefix}.${out.length}`, to, personId, lang, replies: run, answers });
    run = [];
  };
  for (const r of replies) {
    if (r.keyboardOnly && to.channel !== 'telegram') continue;
    const { orNew, ...own } = r;
    if (r.edit && pressed !== undefined && !edited && !r.document && !r.photo && !r.voice) {
      edited = true;
      flush();
      out.push({
        id: `${prefix}.${out.length}`,
        to,
        personId,
        lang,
        replies: [own],
        answers,
        edit: pressed,
        editOrSend: true,
      });
      continue;
    }
    if (orNew === undefined || !r.edit) run.push(own);
    else if (orNew) run.push(orNew);
  }
  flush();
  return out;
}
