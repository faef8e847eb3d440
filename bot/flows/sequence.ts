/** In which order a role's onboarding asks its questions, and what an edit must ask after a step. */
import type { Draft } from './draft.js';
import type { StepId } from './step-kit.js';

/** The order of questions for each role. */
const sequences: Record<string, StepId[]> = {
  elder: ['lang', 'role', 'name', 'zone', 'hood', 'addr', 'phone', 'time', 'consent'],
  relative: ['lang', 'role', 'name', 'phone', 'consent'],
  volunteer: [
    'lang',
    'role',
    'name',
    'zone',
    'hood',
    'radius',
    'cats',
    'days',
    'parts',
    'vlang',
    'phone',
    'consent',
  ],
  mediator: ['lang', 'name', 'phone', 'consent'],
  unknown: ['lang', 'role'],
};

function skip(step: StepId, draft: Draft): boolean {
  // The zone question drops the place, or sets it (a location, a neighbourhood's name typed).
  if (step === 'hood') return !!draft.place;
  if (step === 'role') return !!draft.invite;
  return false;
}

/** The onboarding step after `current`, or null when everything is asked. */
export function nextOnboardingStep(current: StepId | null, draft: Draft): StepId | null {
  const sequence = sequences[draft.role ?? 'unknown']!;
  let i = current ? sequence.indexOf(current) + 1 : 0;
  while (i < sequence.length && skip(sequence[i]!, draft)) i++;
  return sequence[i] ?? null;
}

/** When editing one part of a profile, the steps that must follow it. */
export function nextEditStep(current: StepId, draft: Draft): StepId | null {
  if (current === 'zone' && !draft.place) return 'hood';
  if (current === 'pfrom' && draft.pauseFrom) return 'plen';
  return null;
}

/** Profile parts a role can edit, as steps. */
export const editableSteps: Record<string, StepId[]> = {
  elder: ['name', 'zone', 'addr', 'phone', 'time', 'cdays', 'pfrom'],
  relative: ['name', 'phone'],
  volunteer: ['name', 'zone', 'radius', 'cats', 'days', 'parts', 'vlang', 'phone'],
  mediator: ['name', 'phone'],
};
