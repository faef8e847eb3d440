import type { OutboundMessage } from '../../core/outbound.js';
import type { Param } from '../../flows/types.js';

/** Notices in one digest at most: it stays one short message, far inside a chat message's length. */
export const maxDigestItems = 10;

/**
 * Whether a message may go out inside a digest: one plain text and nothing that must stay a
 * message of its own. Buttons must stay pressable and tracked or live messages editable (an
 * alert card is edited on each change), edits and deletions act on a message that exists, media
 * and keyboards are not text, and an emergency goes alone.
 */
export function digestible(m: OutboundMessage): boolean {
  const [reply, ...more] = m.replies;
  if (!reply || more.length) return false;
  if (m.edit !== undefined || m.remove || m.editOrSend || m.track || m.live || m.emergency) return false;
  return !(
    reply.buttons?.length ||
    reply.keyboard ||
    reply.photo ||
    reply.document ||
    reply.voice ||
    reply.toast ||
    reply.edit
  );
}

/**
 * Splits one chat's waiting messages into what goes out as one message each: runs of two or
 * more digestible messages (at most `maxDigestItems`, same person and language) become one
 * unit, everything else stays alone. Order is kept.
 */
export function digestUnits(lane: OutboundMessage[]): OutboundMessage[][] {
  const units: OutboundMessage[][] = [];
  let run: OutboundMessage[] = [];
  const close = () => {
    if (run.length) units.push(...(run.length > 1 ? [run] : [[run[0] as OutboundMessage]]));
    run = [];
  };
  for (const m of lane) {
    const first = run[0];
    const fits =
      digestible(m) &&
      (!first || (first.personId === m.personId && first.lang === m.lang)) &&
      run.length < maxDigestItems;
    if (!fits) close();
    if (digestible(m)) run.push(m);
    else units.push([m]);
  }
  close();
  return units;
}

/** The one message that carries a digest's notices, each as a line of its own, in order. */
export function digestMessage(parts: OutboundMessage[]): OutboundMessage {
  const first = parts[0] as OutboundMessage;
  const items: Param[] = parts.map((p) => {
    const reply = p.replies[0] as OutboundMessage['replies'][number];
    return {
      t: 'digest.item',
      params: { text: { t: reply.text, ...(reply.params ? { params: reply.params } : {}) } },
    };
  });
  return {
    id: `digest:${first.id}:${parts.length}`,
    to: first.to,
    personId: first.personId,
    lang: first.lang,
    replies: [{ text: 'digest.notices', params: { items: { lines: items } } }],
  };
}
