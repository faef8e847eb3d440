import type { CheckIn } from '../../domain/alert.js';
import type { Timer } from '../../domain/timer.js';
import type { OutboundMessage } from '../../core/outbound.js';
import type { Claimed, ClaimedTimer } from '../../core/ports.js';
import type { AppDeps } from '../common/deps.js';
import { waveCount } from '../figures/counting.js';
import { planPrompt } from './prompt.js';

/** SendMessageBatch's limit: the wave hands the outbox this many prompts' messages at once. */
export const promptsPerFlush = 10;

export interface WaveOptions {
  claimer: string;
  leaseSeconds: number;
  /** Groups of `promptsPerFlush` in flight at once. */
  groupsInFlight?: number;
  /** Called after each claim (tests use it to kill a tick half way). */
  afterClaim?: (timer: ClaimedTimer) => void;
}

export type FireOutcome = 'fired' | 'waiting' | 'gone';

type Opened = { timer: ClaimedTimer; messages: OutboundMessage[]; next: Timer | null; checkIn?: CheckIn };

/**
 * Fires due prompts in groups of ten, three DynamoDB calls each: the elder read;
 * one transaction that claims the timer and writes the check-in and its rungs;
 * and, once the group's messages are in the outbox (one SendMessageBatch), the
 * timer replaced by the next day's prompt. The figures count the run's prompts
 * at its end, in one write (`waveCount`). A tick that
 * dies after the transaction leaves the timer claimed: after the lease another
 * tick finds the check-in there, claims the timer, enqueues the message again
 * (its id is the same: the delivery log drops a copy already sent) and moves on.
 */
export async function firePrompts(
  deps: AppDeps,
  prompts: Claimed<'prompt'>[],
  now: Date,
  options: WaveOptions,
): Promise<FireOutcome[]> {
  const groups: Claimed<'prompt'>[][] = [];
  for (let i = 0; i < prompts.length; i += promptsPerFlush)
    groups.push(prompts.slice(i, i + promptsPerFlush));
  const outcomes: FireOutcome[] = [];
  const opened: CheckIn[] = [];
  const lanes = Array.from({ length: Math.min(options.groupsInFlight ?? 8, groups.length) }, async () => {
    for (let group = groups.shift(); group; group = groups.shift())
      outcomes.push(...(await fireGroup(deps, group, now, options, opened)));
  });
  await settleAll(lanes);
  const count = waveCount(`wave.${options.claimer}.${now.toISOString()}`, opened, deps.network.timeZone);
  if (count) await deps.figures.count(count);
  return outcomes;
}

async function fireGroup(
  deps: AppDeps,
  group: Claimed<'prompt'>[],
  now: Date,
  options: WaveOptions,
  checkIns: CheckIn[],
): Promise<FireOutcome[]> {
  const opened = await settleAll(group.map((timer) => open(deps, timer, now, options)));
  const claimed = opened.filter((o): o is Opened => typeof o !== 'string');
  // Durable before the timers move on: a tick that dies here leaves them claimed, to be taken over.
  const messages = claimed.flatMap((o) => o.messages);
  if (messages.length) await deps.outbox.enqueue(messages);
  await settleAll(claimed.map((o) => deps.timers.complete(o.timer, options.claimer, o.next ?? undefined)));
  for (const o of claimed) if (o.checkIn) checkIns.push(o.checkIn);
  return opened.map((o) => (typeof o === 'string' ? o : 'fired'));
}

async function open(
  deps: AppDeps,
  timer: Claimed<'prompt'>,
  now: Date,
  options: WaveOptions,
): Promise<Opened | FireOutcome> {
  const plan = await planPrompt(deps, timer, now);
  const claimAlone = async (messages: OutboundMessage[]) => {
    if (!(await deps.timers.claim(timer, options.claimer, now, options.leaseSeconds)))
      return notClaimed(timer, now);
    options.afterClaim?.(timer);
    return { timer, messages, next: plan.next };
  };
  if (plan.kind === 'move') return claimAlone([]);
  const opened = await deps.checkIns.openWithPrompt({
    timer,
    claimer: options.claimer,
    now,
    leaseSeconds: options.leaseSeconds,
    checkIn: plan.checkIn,
    rungs: plan.rungs,
  });
  if (opened === 'taken') return notClaimed(timer, now);
  // Opened before by a tick that died before its message was in the outbox: enqueued again.
  if (opened === 'exists') return claimAlone(plan.messages);
  options.afterClaim?.(timer);
  return { timer, messages: plan.messages, next: plan.next, checkIn: plan.checkIn };
}

/** Another tick holds it (its lease runs): the cursor waits; otherwise it is done or moved. */
export function notClaimed(timer: ClaimedTimer, now: Date): FireOutcome {
  const held =
    timer.state === 'firing' && !!timer.leaseUntil && Date.parse(timer.leaseUntil) >= now.getTime();
  return held ? 'waiting' : 'gone';
}

/** Every promise runs to its end before the first failure is thrown. */
export async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
