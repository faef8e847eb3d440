import type { Person } from '../domain/person.js';
import type { OutboundMessage } from '../core/outbound.js';
import type { TurnKey, TurnRecord } from '../core/ports.js';
import {
  FlowConflictError,
  PersonChangedError,
  TurnRecordedError,
  TurnWriteConflictError,
} from '../core/errors.js';
import type { Reply } from '../flows/types.js';
import type { AppDeps } from './common/deps.js';
import { markUnreachable } from './alerts/delivery.js';
import { Turn } from './common/turn.js';
import { checkInDates, createPersonFor, requestNamedBy } from './common/turn-reads.js';
import { presserMessages } from './common/presser.js';
import type { Answered, InboundMessage } from '../core/inbound.js';
import { dispatch } from './dispatch.js';

/** How long a turn record is kept: Telegram resends an update for a day at most, Meta for a week. */
const turnTtlSeconds: Record<string, number> = { telegram: 24 * 3600, whatsapp: 7 * 24 * 3600 };

/** A conflicting turn (the same press twice, or two of one person's messages at once) runs again. */
const maxTries = 3;

/**
 * How long the commit's claim on the presser's answers holds: well past a webhook's send of them
 * (two tries of a few seconds), short enough that, if its process dies first, Telegram's
 * redelivery or the queue's sender takes them over within a minute.
 */
const answerLeaseSeconds = 60;

export interface TurnOptions {
  /** The update this turn answers: the turn record's key and the root of its message ids. */
  key: TurnKey;
  /** The message whose button was pressed: a reply marked `edit` edits it (Telegram). */
  pressed?: number;
  /**
   * Runs once the turn is committed (or found committed), started before its messages go to the
   * outbox and not waited for before they do: Telegram stops the button's spinner here, with the
   * toast if there is one.
   */
  committed?: (answered: { lang: string; replies: Reply[] }) => Promise<void>;
}

/** A committed turn: everything it sends, the presser's replies first. */
export interface Committed extends Answered {
  outbound: OutboundMessage[];
  /** The update was committed before: these are the recorded messages, nothing was decided again. */
  replayed: boolean;
  /** Role, language or onboarding changed: the channel refreshes the person's command menu. */
  menuChanged?: boolean;
}

/**
 * The one use case every channel calls, as a unit of work: read (two calls),
 * decide (use cases collect replies and messages in the Turn), commit (one
 * transaction: the turn record with every message, and the flow state at the
 * version read), then hand the messages to the outbox. A conflict re-runs the
 * turn from fresh reads; a redelivered update re-sends what was recorded. A
 * failure before the commit sends nothing, so the channel's retry runs it again.
 */
export async function runTurn(deps: AppDeps, msg: InboundMessage, options: TurnOptions): Promise<Committed> {
  const { key } = options;
  const name = `${key.channel}.${key.updateId}`;
  // The request an Accept names is read with the turn.
  const named = requestNamedBy(msg.input);
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const read = await deps.store.readTurn(msg.ref, key, now, checkInDates(deps, now), named);
    if (read.record) return replay(deps, read.record, read.person, options);
    if (msg.input.kind === 'blocked') {
      if (read.person) await markUnreachable(deps, read.person.id);
      return {
        lang: read.person?.lang ?? deps.network.defaultLanguage,
        replies: [],
        person: read.person,
        outbound: [],
        replayed: false,
      };
    }
    const found = read.person ?? (await createPersonFor(deps, msg));
    // Writing again means reachable again.
    const person = found.unreachableAt ? { ...found, unreachableAt: undefined } : found;
    if (found.unreachableAt) await deps.store.savePerson(person, found);
    const flow = read.person ? read.flow : null;
    const turn = new Turn(deps, person, flow, msg.hints, name, read.checkIns, key, read.request);
    try {
      await dispatch(turn, msg.input);
    } catch (err) {
      // A profile changed under the turn (another actor): decide again from fresh reads.
      if (err instanceof PersonChangedError && attempt < maxTries) continue;
      throw err;
    }
    const lang = turn.person.lang;
    // After erasure the goodbye still goes out, tied to no person id.
    const presserId = turn.erased ? '' : turn.person.id;
    const toPresser = presserMessages(
      msg.ref,
      presserId,
      lang,
      // A toast answers the press on Telegram: nothing of it goes to the chat.
      msg.ref.channel === 'telegram' && options.pressed !== undefined
        ? turn.replies.filter((r) => !r.toast)
        : turn.replies,
      `turn.${name}`,
      options.pressed,
      now,
    );
    const outbound = [...toPresser, ...turn.outbound];
    try {
      await deps.store.commitTurn({
        key,
        personId: turn.erased ? null : turn.person.id,
        flow: turn.flowWrite(),
        record: { lang, outbound },
        // A turn that erased its presser writes nothing more about them.
        writes: turn.erased ? [] : turn.writes,
        now,
        ttlSeconds: turnTtlSeconds[key.channel] ?? 24 * 3600,
        claims: { ids: toPresser.map((m) => m.id), leaseSeconds: answerLeaseSeconds },
      });
    } catch (err) {
      if ((err instanceof FlowConflictError || err instanceof TurnWriteConflictError) && attempt < maxTries)
        continue;
      if (err instanceof TurnRecordedError) {
        const again = await deps.store.readTurn(msg.ref, key, deps.clock.now());
        return replay(deps, again.record ?? { lang, outbound: [] }, again.person, options);
      }
      throw err;
    }
    await afterCommit(options, { lang, replies: turn.replies }, async () => {
      // The presser's answers go out on the claims the commit made for them (while they hold).
      const claimed = now.getTime() + answerLeaseSeconds * 1000;
      await deps.outbox.enqueue([...toPresser.map((m) => ({ ...m, claimed })), ...turn.outbound]);
      // The outbox holds them now: the record stays as the update's marker, without content. That
      // can wait until the person has the answer; if it fails, the content expires with the record.
      if (outbound.length && !turn.erased) {
        const personId = turn.person.id;
        deps.afterwards.add('settle turn', () =>
          deps.store.settleTurn(personId, key, { lang, outbound: [] }),
        );
      }
    });
    const after = turn.person;
    return {
      lang,
      replies: turn.replies,
      person: turn.erased ? null : after,
      outbound,
      replayed: false,
      menuChanged:
        turn.erased ||
        after.role !== person.role ||
        after.lang !== person.lang ||
        !!after.onboardedAt !== !!person.onboardedAt,
    };
  }
}

async function replay(
  deps: AppDeps,
  record: TurnRecord,
  person: Person | null,
  options: TurnOptions,
): Promise<Committed> {
  // The same message ids: the delivery log sends each once, whatever was sent before.
  await afterCommit(options, { lang: record.lang, replies: [] }, () => deps.outbox.enqueue(record.outbound));
  return { lang: record.lang, replies: [], person, outbound: record.outbound, replayed: true };
}

/**
 * What follows a commit: the press is answered first (its request leaves before any message is
 * handed to the outbox) without holding them back, so the spinner stops while the replies go out
 * (an outbox that sends as it is given messages sends them meanwhile, and the record is settled
 * meanwhile too). Both are done when this returns; the first failure is thrown.
 */
async function afterCommit(
  options: TurnOptions,
  answered: { lang: string; replies: Reply[] },
  deliver: () => Promise<void>,
): Promise<void> {
  const results = await Promise.allSettled([
    options.committed ? options.committed(answered) : undefined,
    deliver(),
  ]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
