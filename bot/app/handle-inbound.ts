import { showFigures } from './figures/figures.js';
import type { Person } from '../domain/person.js';
import type { OutboundMessage } from '../core/outbound.js';
import type { TurnKey, TurnRecord } from '../core/ports.js';
import {
  FlowConflictError,
  PersonChangedError,
  TurnRecordedError,
  TurnWriteConflictError,
} from '../core/errors.js';
import { parseButtonData } from '../flows/button-data.js';
import { reply, type Inbound, type Reply } from '../flows/types.js';
import { answerStep, askAgain, isStepFlow, type FlowEnds } from './conversation/conversation.js';
import type { AppDeps } from './common/deps.js';
import { acknowledgeAlert, listAlerts, resolveAlert } from './alerts/alerts.js';
import { markUnreachable } from './alerts/delivery.js';
import {
  cancelRequest,
  createHelpRequest,
  listRequests,
  setAvailable,
  startRequest,
} from './requests/requests.js';
import {
  acceptAsk,
  acceptOffer,
  assignByHand,
  assignList,
  declineAsk,
  declineOffer,
} from './requests/offers.js';
import { confirmDone, nobodyCame, releaseTask, taskDone, wellbeing } from './requests/tasks.js';
import { closeCheckInForAlert, elderIsFine, elderNeedsHelp, heardFromElder } from './checkins/checkins.js';
import { understandWords } from './checkins/elder-words.js';
import { mainMenu } from './conversation/menu.js';
import { completeOnboarding, declineConsent, start } from './conversation/onboarding.js';
import { answerForget, exportMyData, startForget } from './people/privacy.js';
import {
  applyEdit,
  scheduleMenu,
  showProfile,
  startEdit,
  startScheduleEdit,
} from './conversation/profile.js';
import { createRelativeInvite, decideLink, listElders } from './people/relatives.js';
import { Turn } from './common/turn.js';
import { checkInDates, createPersonFor, requestNamedBy } from './common/turn-reads.js';
import { presserMessages } from './common/presser.js';
import { commands, type Answered, type InboundMessage } from '../core/inbound.js';
import { decideVolunteer, listPending } from './people/volunteers.js';
import { showToday, showZoneElders } from './people/desk.js';
import { pageNumber } from './people/paging.js';
import { setVolunteerSuspended, showVolunteers } from './people/roster.js';
import { answerBroadcast, startBroadcast } from './broadcast/broadcast.js';
import { setBroadcastsOff } from './broadcast/report.js';

/** What each step flow does when its last question is answered. */
const flowEnds: FlowEnds = {
  onboarding: completeOnboarding,
  request: createHelpRequest,
  edit: applyEdit,
  declined: declineConsent,
};

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
      // The outbox holds them now: the record stays as the update's marker, without content.
      if (outbound.length && !turn.erased)
        await deps.store.settleTurn(turn.person.id, key, { lang, outbound: [] });
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

async function dispatch(turn: Turn, input: Inbound): Promise<void> {
  switch (input.kind) {
    case 'command':
      return command(turn, input.command, input.arg);
    case 'button':
      return button(turn, input.data);
    case 'blocked':
      return;
  }
  if (await understandWords(turn, input, isStepFlow(turn.flow) || turn.flow === 'forget')) return;
  // The broadcast's text step takes text; anything else there is answered by the flow, which keeps its place.
  if (turn.flow === 'broadcast') return answerBroadcast(turn, input);
  switch (input.kind) {
    case 'unsupported':
      if (!turn.flow && turn.person.onboardedAt)
        return turn.say(...mainMenu(turn.person, reply('errors.unsupported')));
      turn.say(reply('errors.unsupported'));
      return askAgain(turn);
    default:
      if (isStepFlow(turn.flow)) return answerStep(turn, input, flowEnds);
      if (turn.flow === 'forget') return answerForget(turn, null);
      return idle(turn);
  }
}

function idle(turn: Turn): Promise<void> | void {
  if (!turn.person.onboardedAt) return start(turn, '');
  turn.say(...mainMenu(turn.person, reply('errors.notUnderstood')));
}

async function command(turn: Turn, name: string, arg: string): Promise<void> {
  const onboarded = !!turn.person.onboardedAt;
  switch (name) {
    case 'start':
      return start(turn, arg);
    case 'help':
      turn.say(reply(onboarded ? `help.${turn.person.role}` : 'help.newcomer'));
      return askAgain(turn);
    case 'cancel':
      turn.endFlow();
      if (onboarded) return turn.say(...mainMenu(turn.person, reply('common.cancelled')));
      turn.say(reply('common.cancelledNewcomer', undefined, { keyboard: 'remove' }));
      return;
    case 'mydata':
      return exportMyData(turn);
    case 'forget':
      return startForget(turn);
  }
  if (!onboarded) {
    turn.say(reply(commands.includes(name as never) ? 'errors.finishFirst' : 'errors.unknownCommand'));
    return askAgain(turn);
  }
  switch (name) {
    case 'profile':
      return showProfile(turn);
    case 'language':
      return startEdit(turn, 'lang');
    case 'invite':
      return createRelativeInvite(turn);
    case 'pending':
      return listPending(turn);
    case 'volunteers':
      return showVolunteers(turn);
    case 'alerts':
      return listAlerts(turn);
    case 'figures':
      return showFigures(turn);
    case 'elders':
      return turn.person.role === 'mediator' ? showZoneElders(turn) : listElders(turn);
    case 'today':
      return showToday(turn);
    case 'broadcast':
      return startBroadcast(turn);
    case 'request':
      return startRequest(turn);
    case 'requests':
      return listRequests(turn);
    case 'available':
      return setAvailable(turn, true);
    case 'away':
      return setAvailable(turn, false);
    case 'pause':
      return startEdit(turn, 'pfrom');
    default:
      turn.say(reply('errors.unknownCommand'));
  }
}

async function button(turn: Turn, data: string): Promise<void> {
  const parsed = parseButtonData(data);
  if (!parsed) {
    turn.say(reply('errors.unknownButton'));
    return;
  }
  if (parsed.type === 'step') {
    if (parsed.step !== turn.step || !turn.flow) {
      // The current question is still in the chat: the press only hears why nothing happened.
      turn.say(reply('errors.staleButton', undefined, { toast: true }));
      return;
    }
    if (turn.flow === 'forget') return answerForget(turn, parsed.value);
    if (turn.flow === 'broadcast') return answerBroadcast(turn, { kind: 'choice', value: parsed.value });
    return answerStep(turn, { kind: 'choice', value: parsed.value }, flowEnds);
  }
  if (parsed.type === 'profile') return startEdit(turn, parsed.step);
  switch (parsed.verb) {
    case 'va':
    case 'vr':
      return decideVolunteer(turn, parsed.id, parsed.verb === 'va');
    case 'lc':
    case 'ld':
      return decideLink(turn, parsed.id, parsed.verb === 'lc');
    case 'inv':
      return createRelativeInvite(turn);
    case 'ok':
    case 'cf':
      return elderIsFine(turn, parsed.verb === 'cf');
    case 'help':
    case 'ch':
      return elderNeedsHelp(turn, parsed.verb === 'ch');
    case 'hw':
      return heardFromElder(turn, parsed.id);
    case 'cs':
      return scheduleMenu(turn, parsed.id);
    case 'ct':
      return startScheduleEdit(turn, parsed.id, 'time');
    case 'cp':
      return startScheduleEdit(turn, parsed.id, 'pfrom');
    case 'rq':
      return startRequest(turn, parsed.id || undefined);
    case 'oa':
      return acceptOffer(turn, parsed.id);
    case 'od':
      return declineOffer(turn, parsed.id);
    case 'rd':
      return taskDone(turn, parsed.id);
    case 'rr':
      return releaseTask(turn, parsed.id);
    case 'rc':
      return confirmDone(turn, parsed.id);
    case 'rn':
      return nobodyCame(turn, parsed.id);
    case 'rx':
      return cancelRequest(turn, parsed.id);
    case 'wk':
    case 'ww':
      return wellbeing(turn, parsed.id, parsed.verb === 'ww');
    case 'ra':
      return assignList(turn, parsed.id);
    case 'rh':
      return assignByHand(turn, parsed.id);
    case 'hy':
      return acceptAsk(turn, parsed.id);
    case 'hn':
      return declineAsk(turn, parsed.id);
    case 'ak':
      return acknowledgeAlert(turn, parsed.id);
    case 'ar':
      return resolveAlert(turn, parsed.id, (alert) => closeCheckInForAlert(turn.deps, alert, turn.person));
    case 'td':
      return showToday(turn, pageNumber(parsed.id));
    case 'el':
      return showZoneElders(turn, pageNumber(parsed.id));
    case 'vl':
      return showVolunteers(turn, pageNumber(parsed.id));
    case 'vs':
    case 'vu':
      return setVolunteerSuspended(turn, parsed.id, parsed.verb === 'vs');
    case 'bs':
    case 'bo':
      return setBroadcastsOff(turn, parsed.verb === 'bs');
    default: {
      // Every verb has its case: adding one to `verbs` without a case here does not compile.
      const unhandled: never = parsed.verb;
      return unhandled;
    }
  }
}
