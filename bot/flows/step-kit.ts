import type { Network } from '../domain/network.js';
import { stepData } from './button-data.js';
import type { Draft, Hints } from './draft.js';
import { reply, type Button, type Inbound, type Reply } from './types.js';

/** What every step is made of: the answer types, the outcome, and small builders. */
export type StepId =
  | 'lang'
  | 'role'
  | 'name'
  | 'zone'
  | 'hood'
  | 'addr'
  | 'phone'
  | 'time'
  | 'radius'
  | 'cats'
  | 'days'
  | 'parts'
  | 'vlang'
  | 'consent'
  | 'cdays'
  | 'pfrom'
  | 'plen'
  | 'relder'
  | 'rcat'
  | 'raddr'
  | 'rwhen'
  | 'rday'
  | 'rpart'
  | 'rnote'
  | 'rurgent';

/** An answer to a step: a button value of this step, or what the person sent. */
export type Answer = { kind: 'choice'; value: string } | Exclude<Inbound, { kind: 'button' }>;

export interface StepContext {
  network: Network;
  draft: Draft;
  hints: Hints;
  /** The local date now, in the network's time zone. */
  today: string;
}

export type Outcome =
  /** The step is answered; go on. */
  | { kind: 'next'; draft: Draft }
  /** Still this step (a toggle moved); show it again in place. */
  | { kind: 'stay'; draft: Draft }
  /** Not an answer: say why, ask again. */
  | { kind: 'retry'; reason: string }
  /** The person declined (consent). */
  | { kind: 'decline' };

export interface Step {
  ask(c: StepContext): Reply[];
  answer(c: StepContext, a: Answer): Outcome;
}

export const one = (step: StepId, value: string, label: string, params?: Button['params']): Button[] =>
  params ? [{ label, params, data: stepData(step, value) }] : [{ label, data: stepData(step, value) }];

export const next = (draft: Draft): Outcome => ({ kind: 'next', draft });
export const retry = (reason: string): Outcome => ({ kind: 'retry', reason });
export const useButtons = retry('errors.useButtons');

export function choice(a: Answer): string | null {
  return a.kind === 'choice' ? a.value : null;
}

function toggle<T extends string>(list: readonly T[] | undefined, value: T): T[] {
  const set = new Set(list ?? []);
  if (set.has(value)) set.delete(value);
  else set.add(value);
  return [...set];
}

/** A multi-choice step: one row per option with a tick, and Done. */
export function toggleStep<T extends string>(
  id: StepId,
  question: string,
  options: (c: StepContext) => readonly T[],
  label: (value: T) => string,
  field: (d: Draft) => T[] | undefined,
  set: (d: Draft, v: T[]) => Draft,
): Step {
  return {
    ask: (c) => {
      const chosen = new Set(field(c.draft) ?? []);
      const rows = options(c).map((v) =>
        one(id, v, chosen.has(v) ? 'buttons.ticked' : 'buttons.unticked', { label: { t: label(v) } }),
      );
      return [reply(question, undefined, { buttons: [...rows, one(id, 'done', 'buttons.done')] })];
    },
    answer: (c, a) => {
      const value = choice(a);
      if (value === null) return useButtons;
      if (value === 'done')
        return (field(c.draft) ?? []).length > 0 ? next(c.draft) : retry('errors.pickOne');
      const option = options(c).find((o) => o === value);
      if (!option) return useButtons;
      return { kind: 'stay', draft: set(c.draft, toggle(field(c.draft), option)) };
    },
  };
}
