import { addDays } from '../domain/schedule.js';
import { categories, cleanAddress, needsVisit } from '../domain/person.js';
import { whenKinds } from '../domain/request.js';
import type { Draft } from './draft.js';
import { choice, next, one, retry, useButtons, type Step, type StepId } from './step-kit.js';
import { reply } from './types.js';

const noteMax = 500;
/** A chosen day is at least the day after tomorrow and at most this many days ahead. */
const daysAhead = 7;

/** The questions of a help request: for whom, what, when, a note, how urgent. */
export const requestSteps: Pick<
  Record<StepId, Step>,
  'relder' | 'rcat' | 'raddr' | 'rwhen' | 'rday' | 'rpart' | 'rnote' | 'rurgent'
> = {
  relder: {
    ask: (c) => [
      reply('request.elder.question', undefined, {
        buttons: (c.draft.elderChoices ?? [])
          .slice(0, 10)
          .map((e) => one('relder', e.id, 'request.elder.option', { name: e.name })),
      }),
    ],
    answer: (c, a) => {
      const elder = c.draft.elderChoices?.find((e) => e.id === choice(a));
      return elder
        ? next({
            ...c.draft,
            subjectId: elder.id,
            subjectName: elder.name.split(' ')[0],
            askAddress: !!elder.noAddress,
          })
        : useButtons;
    },
  },

  rcat: {
    ask: (c) => [
      reply(
        c.draft.forSelf ? 'request.category.questionSelf' : 'request.category.question',
        { name: c.draft.subjectName ?? '' },
        {
          buttons: categories.map((cat) => one('rcat', cat, `categories.${cat}`)),
        },
      ),
    ],
    answer: (c, a) => {
      const category = categories.find((cat) => cat === choice(a));
      return category ? next({ ...c.draft, category }) : useButtons;
    },
  },

  raddr: {
    ask: () => [
      reply('request.address.question', undefined, { buttons: [one('raddr', 'skip', 'buttons.skip')] }),
    ],
    answer: (c, a) => {
      if (choice(a) === 'skip') return next({ ...c.draft, address: null });
      if (a.kind !== 'text') return retry('errors.typeAddress');
      const address = cleanAddress(a.text);
      return address ? next({ ...c.draft, address }) : retry('errors.badAddress');
    },
  },

  rwhen: {
    ask: () => [
      reply('request.when.question', undefined, {
        buttons: whenKinds.map((w) => one('rwhen', w, `request.when.${w}`)),
      }),
    ],
    answer: (c, a) => {
      const kind = whenKinds.find((w) => w === choice(a));
      if (!kind) return useButtons;
      const date = kind === 'tomorrow' ? addDays(c.today, 1) : c.today;
      return next({ ...c.draft, whenKind: kind, whenDate: date, whenPart: undefined });
    },
  },

  rday: {
    ask: (c) => [
      reply('request.day.question', undefined, {
        buttons: Array.from({ length: daysAhead }, (_, i) => addDays(c.today, i + 2)).map((date) =>
          one('rday', date.replace(/-/g, ''), 'request.day.option', { date: { date } }),
        ),
      }),
    ],
    answer: (c, a) => {
      const value = choice(a);
      const date = Array.from({ length: daysAhead }, (_, i) => addDays(c.today, i + 2)).find(
        (d) => d.replace(/-/g, '') === value,
      );
      return date ? next({ ...c.draft, whenDate: date }) : useButtons;
    },
  },

  rpart: {
    ask: () => [
      reply('request.part.question', undefined, {
        buttons: [
          one('rpart', 'morning', 'dayParts.morning'),
          one('rpart', 'afternoon', 'dayParts.afternoon'),
          one('rpart', 'evening', 'dayParts.evening'),
        ],
      }),
    ],
    answer: (c, a) => {
      const part = (['morning', 'afternoon', 'evening'] as const).find((p) => p === choice(a));
      return part ? next({ ...c.draft, whenPart: part }) : useButtons;
    },
  },

  rnote: {
    ask: () => [
      reply('request.note.question', undefined, { buttons: [one('rnote', 'skip', 'buttons.skip')] }),
    ],
    answer: (c, a) => {
      if (choice(a) === 'skip') return next({ ...c.draft, note: undefined });
      if (a.kind === 'voice') return next({ ...c.draft, note: { voiceFileId: a.fileId } });
      if (a.kind !== 'text') return retry('errors.typeNote');
      const text = a.text.replace(/\s+/g, ' ').trim();
      if (!text || text.length > noteMax) return retry('errors.badNote');
      return next({ ...c.draft, note: { text } });
    },
  },

  rurgent: {
    ask: () => [
      reply('request.urgent.question', undefined, {
        buttons: [one('rurgent', 'yes', 'request.urgent.yes'), one('rurgent', 'no', 'request.urgent.no')],
      }),
    ],
    answer: (c, a) => {
      const value = choice(a);
      if (value !== 'yes' && value !== 'no') return useButtons;
      return next({ ...c.draft, urgent: value === 'yes' });
    },
  },
};

/** The request step after `current`, or null when everything is asked. */
export function nextRequestStep(current: StepId | null, draft: Draft): StepId | null {
  const order: StepId[] = ['relder', 'rcat', 'raddr', 'rwhen', 'rday', 'rpart', 'rnote', 'rurgent'];
  let i = current ? order.indexOf(current) + 1 : 0;
  const skip = (s: StepId) =>
    (s === 'relder' && !!draft.subjectId) ||
    (s === 'raddr' && !(draft.askAddress && draft.category && needsVisit(draft.category))) ||
    ((s === 'rday' || s === 'rpart') && draft.whenKind !== 'day');
  while (i < order.length && skip(order[i]!)) i++;
  return order[i] ?? null;
}
