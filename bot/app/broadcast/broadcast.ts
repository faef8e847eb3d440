import { findZone } from '../../domain/network.js';
import { firstName, type Person } from '../../domain/person.js';
import { afterQuiet, isQuiet, localTime } from '../../domain/schedule.js';
import type { Draft } from '../../flows/draft.js';
import { actionData, stepData } from '../../flows/button-data.js';
import { reply, type Inbound, type Param, type Reply } from '../../flows/types.js';
import { audiences, type Audience } from '../../core/ports.js';
import { parked, type OutboundMessage } from '../../core/outbound.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
import type { Turn } from '../common/turn.js';

/**
 * `/broadcast`: a mediator writes to her zone. Who (elders, their relatives,
 * approved volunteers, everyone) → the text (typed or forwarded) → a preview
 * as they will see it, with how many it reaches → Send. The flow state keeps
 * the answers between steps, so a voice note or a stray word loses nothing.
 * Send enqueues one message per recipient under `broadcast:<id>:<person>`,
 * the id drawn from the flow version the press read: a second press, or the
 * same press run again after a fault, makes the very same messages, sent once.
 * A zone too big for one turn's record gets the rest through `held` timers.
 * Quiet hours hold them for elders and volunteers (the quiet outbox), and
 * outside WhatsApp's window they go as a template. Each carries "Stop these
 * messages"; each outcome is counted for the report (report.ts).
 */

/** The longest text a broadcast carries: one phone screen, and room for every copy in the turn's record. */
export const maxBroadcastText = 700;

/**
 * What the copies that ride in the Send turn's record may weigh (a DynamoDB item of at most
 * 400 KB, beside the presser's own replies). A zone with more recipients is not refused: the
 * rest wait as `held` timers due at once, one per copy, and the next tick sends them.
 */
export const maxBroadcastBytes = 300_000;

/** The flow's steps: who, this zone or all of them (a network admin only), the text, the preview waiting for Send. */
type Step = 'ba' | 'bz' | 'bt' | 'bc';

interface BroadcastDraft {
  audience?: Audience;
  /** A network admin chose every zone of the network. */
  allZones?: boolean;
  text?: string;
}

/** Who a broadcast reaches: the zone lists' people, each with the zone they were found in. */
interface Recipient {
  person: Person;
  zoneId: string;
}

/** A mediator the admin CLI made the network's admin. */
const isNetworkAdmin = (p: Person): boolean => p.role === 'mediator' && p.networkAdmin === true;

/** A press of one of the flow's buttons, or anything else the mediator sent. */
export type BroadcastAnswer = Inbound | { kind: 'choice'; value: string };

const isAudience = (value: string): value is Audience => (audiences as readonly string[]).includes(value);

const cancelButton = (step: Step) => [{ label: 'buttons.cancel', data: stepData(step, 'no') }];

/** `/broadcast`: for an onboarded mediator of a zone, the first question. */
export function startBroadcast(turn: Turn): void {
  const zoneId = mediatorZone(turn);
  if (!zoneId) return;
  turn.setFlow('broadcast', 'ba', {});
  turn.say(audienceQuestion(turn.deps, zoneId));
}

/** An answer to the current step of the broadcast flow. */
export async function answerBroadcast(turn: Turn, answer: BroadcastAnswer): Promise<void> {
  const zoneId = mediatorZone(turn);
  if (!zoneId) return turn.endFlow();
  const draft = turn.draft as unknown as BroadcastDraft;
  const step = turn.step as Step;
  if (answer.kind === 'choice' && answer.value === 'no') {
    turn.endFlow();
    turn.say(reply('broadcast.cancelled', undefined, { edit: true }));
    return;
  }
  if (step === 'ba') {
    if (answer.kind === 'choice' && isAudience(answer.value)) {
      // Only a network admin is asked which zones; everyone else writes to their own.
      if (isNetworkAdmin(turn.person)) {
        save(turn, 'bz', { audience: answer.value });
        turn.say(scopeQuestion(turn.deps, zoneId));
        return;
      }
      return askText(turn, { audience: answer.value });
    }
    turn.say(reply('errors.useButtons'), audienceQuestion(turn.deps, zoneId));
    return;
  }
  if (!draft.audience) {
    // A flow without its audience cannot go on: start again from the first question.
    return startBroadcast(turn);
  }
  // Every zone only for a network admin, checked again at each step (the flag may have been taken away).
  if (draft.allZones && !isNetworkAdmin(turn.person)) return refuseAllZones(turn);
  if (step === 'bz') {
    if (answer.kind === 'choice' && (answer.value === 'zone' || answer.value === 'all')) {
      if (answer.value === 'all' && !isNetworkAdmin(turn.person)) return refuseAllZones(turn);
      return askText(turn, {
        audience: draft.audience,
        ...(answer.value === 'all' ? { allZones: true } : {}),
      });
    }
    turn.say(reply('errors.useButtons'), scopeQuestion(turn.deps, zoneId));
    return;
  }
  const zones = draft.allZones ? turn.deps.network.zones.map((z) => z.id) : [zoneId];
  if (step === 'bt') {
    if (answer.kind !== 'text') {
      // A voice note or a photo cannot go to everyone: the step stays, the audience too.
      turn.say(reply('broadcast.textOnly', undefined, { buttons: [cancelButton('bt')] }));
      return;
    }
    const text = answer.text.trim();
    if (!text || text.length > maxBroadcastText) {
      turn.say(reply('broadcast.tooLong', { max: maxBroadcastText }, { buttons: [cancelButton('bt')] }));
      return;
    }
    return preview(turn, zones, { ...draft, text });
  }
  if (step === 'bc' && draft.text) {
    if (answer.kind === 'choice' && answer.value === 'send') return send(turn, zones, draft);
    turn.say(reply('errors.useButtons'));
    return preview(turn, zones, draft);
  }
  return startBroadcast(turn);
}

/**
 * The recipients of an audience in some zones, each zone read from its lists (no scan; one zone's
 * queries at once), those found twice counted once, in the first zone that listed them;
 * and how many were left out as unreachable.
 */
export async function recipientsIn(
  deps: AppDeps,
  zoneIds: readonly string[],
  audience: Audience,
): Promise<{ reach: Recipient[]; unreachable: number }> {
  const zones = await Promise.all(zoneIds.map((zoneId) => recipients(deps, zoneId, audience)));
  const seen = new Set<string>();
  const reach: Recipient[] = [];
  let unreachable = 0;
  for (const [i, zone] of zones.entries()) {
    const zoneId = zoneIds[i]!;
    for (const person of zone.reach) {
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      reach.push({ person, zoneId });
    }
    unreachable += zone.unreachable;
  }
  return { reach, unreachable };
}

/** The recipients of an audience in a zone, read from the zone lists (no scan), and those left out as unreachable. */
export async function recipients(
  deps: AppDeps,
  zoneId: string,
  audience: Audience,
): Promise<{ reach: Person[]; unreachable: number }> {
  const wants = (a: Audience) => audience === a || audience === 'everyone';
  const elders =
    wants('elders') || wants('relatives')
      ? (await deps.store.listPeople(zoneId, 'elder')).filter((e) => e.onboardedAt)
      : [];
  const people: Person[] = wants('elders') ? [...elders] : [];
  if (wants('relatives')) {
    // Relatives live anywhere: they are the zone's through the elders they follow.
    const links = await Promise.all(elders.map((e) => deps.store.listRelatives(e.id)));
    const ids = [
      ...new Set(
        links
          .flat()
          .filter((l) => l.status === 'confirmed')
          .map((l) => l.relativeId),
      ),
    ];
    if (ids.length) people.push(...(await deps.store.getPeople(ids)));
  }
  if (wants('volunteers')) people.push(...(await deps.store.listPeople(zoneId, 'volunteer', 'approved')));
  const seen = new Set<string>();
  const chosen = people.filter((p) => {
    if (seen.has(p.id) || !p.onboardedAt || p.broadcastsOff) return false;
    seen.add(p.id);
    // Only approved volunteers: the list is read by status, and checked again here.
    return p.role !== 'volunteer' || p.volunteer?.status === 'approved';
  });
  const reach = chosen.filter((p) => !p.unreachableAt);
  return { reach, unreachable: chosen.length - reach.length };
}

/**
 * The message as every recipient reads it, naming the zone it reaches them in (the mediator's own,
 * unless a network admin wrote to every zone); `stop` adds the one-tap way out (not on the preview).
 */
export function broadcastMessage(
  deps: AppDeps,
  mediator: Person,
  text: string,
  stop: boolean,
  zoneId = mediator.zoneId,
): Reply {
  return reply(
    'broadcast.message',
    { zone: findZone(deps.network, zoneId)?.name ?? '', name: firstName(mediator), text },
    stop ? { buttons: [[{ label: 'buttons.stopBroadcasts', data: actionData('bs') }]] } : {},
  );
}

function audienceQuestion(deps: AppDeps, zoneId: string): Reply {
  return reply(
    'broadcast.audience',
    { zone: findZone(deps.network, zoneId)?.name ?? '' },
    {
      buttons: [
        ...audiences.map((a) => [{ label: `broadcast.to.${a}`, data: stepData('ba', a) }]),
        cancelButton('ba'),
      ],
    },
  );
}

/** "Only zone X" or "every zone": the question a network admin answers after the audience. */
function scopeQuestion(deps: AppDeps, zoneId: string): Reply {
  return reply('broadcast.scope', undefined, {
    buttons: [
      [
        {
          label: 'broadcast.thisZone',
          params: { zone: findZone(deps.network, zoneId)?.name ?? '' },
          data: stepData('bz', 'zone'),
        },
      ],
      [{ label: 'broadcast.allZones', data: stepData('bz', 'all') }],
      cancelButton('bz'),
    ],
  });
}

function askText(turn: Turn, draft: BroadcastDraft): void {
  save(turn, 'bt', draft);
  turn.say(reply('broadcast.askText', { max: maxBroadcastText }, { buttons: [cancelButton('bt')] }));
}

/** Every zone asked by someone who is not (or no longer) the network's admin: nothing is sent. */
function refuseAllZones(turn: Turn): void {
  turn.endFlow();
  turn.say(reply('broadcast.notAdmin'));
}

/** Whom the preview and the report name: the audience, and "in every zone" when it is so. */
function audienceParam(draft: BroadcastDraft): Param {
  const who: Param = { t: `broadcast.who.${draft.audience}` };
  return draft.allZones ? { t: 'broadcast.everyZone', params: { who } } : who;
}

async function preview(turn: Turn, zones: readonly string[], draft: BroadcastDraft): Promise<void> {
  const { audience, text } = draft as Required<BroadcastDraft>;
  const { reach } = await recipientsIn(turn.deps, zones, audience);
  if (!reach.length) {
    turn.endFlow();
    turn.say(reply('broadcast.nobody', { audience: audienceParam(draft) }));
    return;
  }
  save(turn, 'bc', draft);
  turn.say(
    reply(draft.allZones ? 'broadcast.previewIntroAll' : 'broadcast.previewIntro'),
    broadcastMessage(turn.deps, turn.person, text, false),
    reply(
      'broadcast.confirm',
      { count: reach.length, audience: audienceParam(draft) },
      { buttons: [[{ label: 'buttons.sendBroadcast', data: stepData('bc', 'send') }], cancelButton('bc')] },
    ),
  );
}

async function send(turn: Turn, zones: readonly string[], draft: BroadcastDraft): Promise<void> {
  const { person, deps } = turn;
  const { audience, text } = draft as Required<BroadcastDraft>;
  const { reach, unreachable } = await recipientsIn(deps, zones, audience);
  turn.endFlow();
  if (!reach.length) {
    turn.say(reply('broadcast.nobody', { audience: audienceParam(draft) }, { edit: true }));
    return;
  }
  // The flow version the press read: a re-run of this press draws the same id, a later broadcast another.
  const id = deps.ids.fromSeed(`broadcast.${person.id}.${turn.version}`);
  const messages = copies(turn, reach, id, text);
  const { quietHours, timeZone } = deps.network;
  const quiet = isQuiet(turn.now, quietHours, timeZone);
  const sleeps = new Set(
    reach.filter(({ person: p }) => p.role === 'elder' || p.role === 'volunteer').map((r) => r.person.id),
  );
  const waiting = quiet ? messages.filter((m) => sleeps.has(m.personId)).length : 0;
  await deps.store.createBroadcast({
    id,
    by: person.id,
    // Every zone is `*`, as the network's figures are.
    zoneId: draft.allZones ? '*' : zones[0]!,
    audience,
    ...(draft.allZones ? { allZones: true } : {}),
    createdAt: turn.now.toISOString(),
    total: messages.length,
    skipped: unreachable,
    waiting,
  });
  const { inRecord, overflow } = byWeight(messages);
  await deps.outbox.enqueue(inRecord);
  if (overflow.length) {
    // Written before the commit, under ids a re-run writes again: the same copies, sent once.
    const morning = afterQuiet(turn.now, quietHours, timeZone).toISOString();
    await deps.timers.schedule(
      overflow.map((m) => ({
        id: `held.fan.${m.id}`,
        kind: 'held' as const,
        // Asleep now: at the end of quiet hours, as the quiet outbox would hold it; everyone else at once.
        due: quiet && sleeps.has(m.personId) ? morning : turn.now.toISOString(),
        data: {
          message: parked(m),
          // Nothing reaches anyone before the Send turn is committed: the tick waits for its record.
          ...(turn.turnKey
            ? { afterTurn: { personId: person.id, ...turn.turnKey, at: turn.now.toISOString() } }
            : {}),
        },
      })),
    );
  }
  const params: Record<string, Param> = { now: messages.length - waiting };
  const later = waiting
    ? {
        t: 'broadcast.sentLater',
        params: { count: waiting, time: localTime(afterQuiet(turn.now, quietHours, timeZone), timeZone) },
      }
    : '';
  turn.say(reply('broadcast.sent', { ...params, later }, { edit: true }));
}

/** One copy per recipient and channel, naming the zone they were found in, each tracked for the report. */
function copies(turn: Turn, reach: Recipient[], id: string, text: string): OutboundMessage[] {
  return reach.flatMap(({ person: p, zoneId }) =>
    messagesTo(p, `broadcast:${id}`, [broadcastMessage(turn.deps, turn.person, text, true, zoneId)]).map(
      (m) => ({
        ...m,
        track: { broadcastId: id, by: turn.person.id },
      }),
    ),
  );
}

/** The copies, in order, that fit in the turn's record, and the rest. */
function byWeight(messages: OutboundMessage[]): { inRecord: OutboundMessage[]; overflow: OutboundMessage[] } {
  let weight = 0;
  const fit = messages.findIndex((m) => (weight += JSON.stringify(m).length) > maxBroadcastBytes);
  return fit < 0
    ? { inRecord: messages, overflow: [] }
    : { inRecord: messages.slice(0, fit), overflow: messages.slice(fit) };
}

function save(turn: Turn, step: Step, draft: BroadcastDraft): void {
  turn.setFlow('broadcast', step, draft as unknown as Draft);
}

/** The presser's zone if they are an onboarded mediator of one; otherwise they are told it is not for them. */
function mediatorZone(turn: Turn): string | null {
  const { person } = turn;
  if (person.role === 'mediator' && person.onboardedAt && person.zoneId) return person.zoneId;
  turn.say(reply('errors.mediatorsOnly'));
  return null;
}
