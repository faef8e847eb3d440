import type { DigestLine, OutboundMessage } from '../../core/outbound.js';
import type { Param } from '../../flows/types.js';

/** Notices (or cards) in one digest at most: it stays one short message, far inside a chat message's length. */
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
 * Whether a live card may go inside a digest as its line: one its use case gave a line to, sent
 * as a new message. Its "open" button brings the card itself, which is tracked and edited from
 * then on. An emergency card goes in too: in a digest it reaches her sooner than paced one by one,
 * on a line and with a button of its own.
 */
export function cardInDigest(m: OutboundMessage): m is OutboundMessage & { digestLine: DigestLine } {
  return !!m.digestLine && m.replies.length > 0 && m.edit === undefined && !m.remove && !m.editOrSend;
}

type Kind = 'notices' | 'cards';

const kindOf = (m: OutboundMessage): Kind | null =>
  digestible(m) ? 'notices' : cardInDigest(m) ? 'cards' : null;

/** An edit (or deletion) of a message already in the chat: it makes no sound and cannot be of a card still waiting. */
const silentEdit = (m: OutboundMessage): boolean => m.edit !== undefined && !m.editOrSend;

/**
 * Splits one chat's waiting messages into what goes out as one message each: runs of two or
 * more notices, or of two or more cards with a digest line (at most `maxDigestItems`, same
 * person and language), become one unit each, everything else stays alone. Order is kept, but
 * for edits met inside a run of cards: they go before its digest instead of splitting it (an
 * escalation turns each old copy into "see below" between the new cards).
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
    const kind = kindOf(m);
    if (!kind && first && kindOf(first) === 'cards' && silentEdit(m)) {
      units.push([m]);
      continue;
    }
    const fits =
      kind !== null &&
      (!first || (kindOf(first) === kind && first.personId === m.personId && first.lang === m.lang)) &&
      run.length < maxDigestItems;
    if (!fits) close();
    if (kind) run.push(m);
    else units.push([m]);
  }
  close();
  return units;
}

/** The one message that carries a digest's notices (each a line) or cards (each a line and its button), in order. */
export function digestMessage(parts: OutboundMessage[]): OutboundMessage {
  const first = parts[0] as OutboundMessage;
  return {
    id: `digest:${first.id}:${parts.length}`,
    to: first.to,
    personId: first.personId,
    lang: first.lang,
    replies: [kindOf(first) === 'cards' ? cardsReply(parts) : noticesReply(parts)],
  };
}

function noticesReply(parts: OutboundMessage[]): OutboundMessage['replies'][number] {
  const items: Param[] = parts.map((p) => {
    const reply = p.replies[0] as OutboundMessage['replies'][number];
    return {
      t: 'digest.item',
      params: { text: { t: reply.text, ...(reply.params ? { params: reply.params } : {}) } },
    };
  });
  return { text: 'digest.notices', params: { items: { lines: items } } };
}

/** "New alerts: 3", a numbered line per card, and under them one button per card that opens it. */
function cardsReply(parts: OutboundMessage[]): OutboundMessage['replies'][number] {
  const lines = parts.map((p) => p.digestLine as DigestLine);
  return {
    text: 'digest.cards',
    params: {
      count: lines.length,
      items: { lines: lines.map((l, i) => ({ t: 'digest.line', params: { n: i + 1, text: l.text } })) },
    },
    buttons: lines.map((l, i) => [{ ...l.open, params: { ...l.open.params, n: i + 1 } }]),
  };
}
