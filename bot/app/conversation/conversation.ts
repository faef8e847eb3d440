import { localDate } from '../../domain/schedule.js';
import { isLang } from '../../core/i18n.js';
import type { Draft } from '../../flows/draft.js';
import { steps, type Answer, type StepId } from '../../flows/steps.js';
import { nextEditStep, nextOnboardingStep } from '../../flows/sequence.js';
import { reply, type Reply } from '../../flows/types.js';
import { stepData } from '../../flows/button-data.js';
import { nextRequestStep } from '../../flows/request-steps.js';
import type { Turn } from '../common/turn.js';

type StepFlow = 'onboarding' | 'edit' | 'request';

/**
 * What happens when a step flow ends: the use cases that commit a finished
 * draft. The dispatcher (handle-inbound.ts) owns this table, so the step
 * runner imports no use case.
 */
export interface FlowEnds {
  onboarding: (turn: Turn, draft: Draft) => Promise<void>;
  request: (turn: Turn, draft: Draft) => Promise<void>;
  edit: (turn: Turn, draft: Draft) => Promise<void>;
  /** Consent was declined. */
  declined: (turn: Turn) => Promise<void>;
}

export function isStepFlow(flow: string | null): flow is StepFlow {
  return flow === 'onboarding' || flow === 'edit' || flow === 'request';
}

export function stepContext(turn: Turn, draft: Draft = turn.draft) {
  return {
    network: turn.deps.network,
    draft,
    hints: turn.hints,
    today: localDate(turn.now, turn.deps.network.timeZone),
  };
}

/** Asks the question of a step and remembers that it is the current one. */
export function ask(turn: Turn, flow: StepFlow, step: StepId, draft: Draft): void {
  turn.setFlow(flow, step, draft);
  turn.say(...steps[step].ask(stepContext(turn, draft)));
}

/** Asks the current question again, after saying why. */
export function askAgain(turn: Turn, reason?: string): void {
  if (reason) turn.say(reply(reason));
  const step = turn.step as StepId;
  if (isStepFlow(turn.flow) && step in steps) {
    turn.say(...steps[step].ask(stepContext(turn)));
  }
}

/**
 * The question whose button was pressed, as it reads once answered: the question and the
 * chosen label, buttons gone (an edit only: where nothing can be edited, nothing is sent).
 * A question that came with a reply keyboard (share location or number) takes it away too.
 */
function answeredQuestion(turn: Turn, step: StepId, answer: Answer): Reply[] {
  const asked = steps[step].ask(stepContext(turn));
  const out: Reply[] = [];
  const data = answer.kind === 'choice' ? stepData(step, answer.value) : null;
  const question = asked.find((r) =>
    r.buttons?.some((row) => row.some((b) => 'data' in b && b.data === data)),
  );
  const button = question?.buttons?.flat().find((b) => 'data' in b && b.data === data);
  if (question && button) {
    // "Done" of a question with many choices: the answer is what was ticked.
    const ticked = question
      .buttons!.flat()
      .flatMap((b) => (b.label === 'buttons.ticked' && b.params?.label ? [b.params.label] : []));
    out.push(
      reply(
        'common.answered',
        {
          question: { t: question.text, ...(question.params ? { params: question.params } : {}) },
          answer: ticked.length
            ? { list: ticked }
            : { t: button.label, ...(button.params ? { params: button.params } : {}) },
        },
        { edit: true, orNew: null },
      ),
    );
  }
  if (asked.some((r) => r.keyboard === 'askLocation' || r.keyboard === 'askContact')) {
    const elder = turn.person.role === 'elder' && !!turn.person.onboardedAt;
    out.push(
      reply('common.keyboardDone', undefined, { keyboard: elder ? 'elder' : 'remove', keyboardOnly: true }),
    );
  }
  return out;
}

/** Feeds an answer to the current step of an onboarding or edit conversation. */
export async function answerStep(turn: Turn, answer: Answer, ends: FlowEnds): Promise<void> {
  const flow = turn.flow;
  const step = turn.step as StepId;
  if (!isStepFlow(flow) || !(step in steps)) return;
  const outcome = steps[step].answer(stepContext(turn), answer);
  switch (outcome.kind) {
    case 'retry':
      // A button of the question pressed too early ("Done" with nothing chosen): a toast, the question stays.
      if (answer.kind === 'choice') turn.say(reply(outcome.reason, undefined, { toast: true }));
      else askAgain(turn, outcome.reason);
      return;
    case 'decline':
      await ends.declined(turn);
      return;
    case 'stay':
      turn.setFlow(flow, step, outcome.draft);
      turn.say(
        ...steps[step]
          .ask(stepContext(turn, outcome.draft))
          .map((r) => ({ ...r, edit: answer.kind === 'choice' })),
      );
      return;
    case 'next': {
      const draft = outcome.draft;
      turn.say(...answeredQuestion(turn, step, answer));
      if (step === 'lang' && isLang(draft.lang) && draft.lang !== turn.person.lang) {
        await turn.savePerson({ ...turn.person, lang: draft.lang });
      }
      const following =
        flow === 'onboarding'
          ? nextOnboardingStep(step, draft)
          : flow === 'request'
            ? nextRequestStep(step, draft)
            : nextEditStep(step, draft);
      if (following) ask(turn, flow, following, draft);
      else await ends[flow](turn, draft);
    }
  }
}
