import type { CheckIn } from '../../domain/alert.js';
import { firstName, type Person } from '../../domain/person.js';
import { afterQuiet, isAbsent, isQuiet, nextCheckIn } from '../../domain/schedule.js';
import { timerIds, type Timer } from '../../domain/timer.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Reply } from '../../flows/types.js';
import type { OutboundMessage } from '../../core/outbound.js';
import type { Claimed } from '../../core/ports.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';

const allDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The two big answers of a check-in, bound to its day. */
export const answerButtons = (localDay: string): Reply['buttons'] => [
  [{ label: 'keyboard.elderOk', data: actionData('cf', localDay) }],
  [{ label: 'keyboard.elderHelp', data: actionData('ch', localDay) }],
];

/** What firing a prompt comes to, decided from one read (the elder); the tick writes it. */
export type PromptPlan =
  /** The day's question: the check-in and its rungs in one write, then the message, then `next`. */
  | { kind: 'ask'; checkIn: CheckIn; rungs: Timer[]; messages: OutboundMessage[]; next: Timer | null }
  /** Nothing to ask now (absent, found too late, quiet hours, no check-ins any more): only `next`. */
  | { kind: 'move'; next: Timer | null };

/** An elder's next prompt after `from`, from their profile; null when check-ins are off. */
export function nextPrompt(deps: AppDeps, elder: Person, from: Date): Timer | null {
  if (elder.role !== 'elder' || !elder.onboardedAt || !elder.checkInTime) return null;
  const next = nextCheckIn(
    { time: elder.checkInTime, days: elder.checkInDays ?? allDays, absences: elder.absences ?? [] },
    deps.network.timeZone,
    from,
  );
  if (!next) return null;
  return {
    id: timerIds.prompt(elder.id),
    kind: 'prompt',
    due: next.at.toISOString(),
    data: { elderId: elder.id, localDate: next.localDate },
  };
}

/**
 * A prompt timer: "how are you?" with the two buttons, the ladder's rungs, and
 * the next prompt in place of this one. Reads only the elder. The rungs are
 * due at their times from the prompt's; each moves itself on to count from when
 * the prompt was sent (`fireRung`), and the zone mediator's starts at the first
 * rung's time, where it sees whether yesterday was missed too.
 */
export async function planPrompt(deps: AppDeps, timer: Claimed<'prompt'>, now: Date): Promise<PromptPlan> {
  const { elderId, localDate: day } = timer.data;
  const elder = await deps.store.getPerson(elderId);
  if (!elder || elder.role !== 'elder' || !elder.onboardedAt || !elder.checkInTime)
    return { kind: 'move', next: null };
  const promptedAt = new Date(timer.due);
  const ladder = deps.network.checkIn.ladder;
  const soonest = ladder[0]?.afterMinutes ?? 30;
  // Found late (the tick was down): past the first rung it is not today's question any more.
  const stale = now.getTime() - promptedAt.getTime() > soonest * 60_000;
  const { quietHours, timeZone } = deps.network;
  if (!stale && isQuiet(now, quietHours, timeZone)) {
    const due = afterQuiet(now, quietHours, timeZone).toISOString();
    return { kind: 'move', next: { id: timer.id, kind: 'prompt', due, data: timer.data } };
  }
  const next = nextPrompt(deps, elder, stale ? new Date(now.getTime() - 1) : promptedAt);
  // Found late, and the next one is due already (the tick was down until today's time): asked now.
  if (stale && next?.kind === 'prompt' && Date.parse(next.due) <= now.getTime())
    return planPrompt(deps, { ...timer, due: next.due, data: next.data }, now);
  if (stale || isAbsent(day, elder.absences)) return { kind: 'move', next };
  const prompt = reply('checkin.prompt', { name: firstName(elder) }, { buttons: answerButtons(day) });
  return {
    kind: 'ask',
    checkIn: {
      elderId,
      localDate: day,
      ...(elder.zoneId ? { zoneId: elder.zoneId } : {}),
      state: 'prompted',
      promptedAt: timer.due,
      rungsDone: [],
      alerted: [],
    },
    rungs: ladder.map((r) => ({
      id: timerIds.rung(elderId, day, r.rung),
      kind: 'rung',
      due: new Date(
        promptedAt.getTime() +
          (r.rung === 'zoneMediator' ? Math.min(soonest, r.afterMinutes) : r.afterMinutes) * 60_000,
      ).toISOString(),
      data: { elderId, localDate: day, rung: r.rung },
    })),
    // Tracked: when the sender is done with it, the check-in learns when (the rungs count from then).
    messages: messagesTo(elder, `chk.${day}`, [prompt]).map((m) => ({
      ...m,
      track: { checkInOf: elderId, localDate: day },
    })),
    next,
  };
}
