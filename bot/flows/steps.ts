import {
  categories,
  cleanAddress,
  cleanName,
  isReservedName,
  cleanPhone,
  dayParts,
  weekdays,
  type Place,
  type Weekday,
} from '../domain/person.js';
import { addDays, currentAbsence } from '../domain/schedule.js';
import { nearest } from '../domain/geo.js';
import {
  findNeighbourhood,
  findZone,
  neighbourhoodNamed,
  zoneNamed,
  type Neighbourhood,
} from '../domain/network.js';
import { reply } from './types.js';
import { requestSteps } from './request-steps.js';
import {
  choice,
  next,
  one,
  retry,
  toggleStep,
  useButtons,
  type Answer,
  type Outcome,
  type Step,
  type StepContext,
  type StepId,
} from './step-kit.js';

export type { Answer, Outcome, Step, StepContext, StepId };

const pauseLengths = [3, 7, 14, 30] as const;

const dayPresets: Record<string, Weekday[]> = {
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  weekend: ['sat', 'sun'],
  all: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
};

/** The name the channel's profile gives, cleaned, unless it is not one or imitates the service. */
function hintedName(c: StepContext): string | null {
  const name = c.hints.firstName ? cleanName(c.hints.firstName) : null;
  return name && !isReservedName(name, c.network.reservedNames) ? name : null;
}

export const steps: Record<StepId, Step> = {
  ...requestSteps,
  lang: {
    ask: (c) => [
      reply('onboarding.lang.question', undefined, {
        // Up to 3 fit one row (WhatsApp reply buttons); more go one a row (a WhatsApp list).
        buttons:
          c.network.languages.length <= 3
            ? [c.network.languages.flatMap((l) => one('lang', l, `languages.${l}`))]
            : c.network.languages.map((l) => one('lang', l, `languages.${l}`)),
      }),
    ],
    answer: (c, a) => {
      const value = choice(a);
      const lang = c.network.languages.find((l) => l === value);
      return lang ? next({ ...c.draft, lang }) : useButtons;
    },
  },

  role: {
    ask: () => [
      reply('onboarding.role.question', undefined, {
        buttons: [
          one('role', 'elder', 'onboarding.role.elder'),
          one('role', 'relative', 'onboarding.role.relative'),
          one('role', 'volunteer', 'onboarding.role.volunteer'),
        ],
      }),
    ],
    answer: (c, a) => {
      const value = choice(a);
      if (value !== 'elder' && value !== 'relative' && value !== 'volunteer') return useButtons;
      return next({ ...c.draft, role: value });
    },
  },

  name: {
    ask: (c) => {
      const hinted = hintedName(c);
      const question =
        c.draft.role === 'elder' ? 'onboarding.name.questionElder' : 'onboarding.name.question';
      return [
        reply(
          question,
          undefined,
          hinted ? { buttons: [one('name', 'hint', 'onboarding.name.useHint', { name: hinted })] } : {},
        ),
      ];
    },
    answer: (c, a) => {
      if (a.kind === 'choice') {
        const hinted = a.value === 'hint' ? hintedName(c) : null;
        return hinted ? next({ ...c.draft, name: hinted }) : useButtons;
      }
      if (a.kind !== 'text') return retry('errors.typeName');
      const name = cleanName(a.text);
      if (!name) return retry('errors.badName');
      // Shown to elders in link requests and to volunteers: it must not pass for the service.
      if (isReservedName(name, c.network.reservedNames)) return retry('errors.reservedName');
      return next({ ...c.draft, name });
    },
  },

  zone: {
    ask: (c) => [
      reply('onboarding.zone.question', undefined, {
        buttons: c.network.zones.map((z) => one('zone', z.id, 'onboarding.zone.option', { zone: z.name })),
      }),
      reply('onboarding.zone.orLocation', undefined, { keyboard: 'askLocation' }),
    ],
    answer: (c, a) => {
      if (a.kind === 'location') {
        const found = nearest(
          a,
          c.network.zones.flatMap((zone) => zone.neighbourhoods.map((h) => ({ ...h, zoneId: zone.id }))),
        );
        // Farther than 15 km from every neighbourhood centre: not in this network.
        if (!found || found.km > 15) return retry('errors.outsideNetwork');
        return next({
          ...c.draft,
          zoneId: found.item.zoneId,
          place: {
            zoneId: found.item.zoneId,
            neighbourhoodId: found.item.id,
            lat: a.lat,
            lon: a.lon,
            source: 'location',
          },
        });
      }
      if (a.kind === 'text') {
        // A neighbourhood's name says the zone too: its question is not asked.
        const hood = neighbourhoodNamed(c.network, a.text);
        if (hood)
          return next({ ...c.draft, zoneId: hood.zone.id, place: hoodPlace(hood.zone.id, hood.hood) });
      }
      const zone =
        a.kind === 'text' ? zoneNamed(c.network, a.text) : findZone(c.network, choice(a) ?? undefined);
      if (!zone) return a.kind === 'text' ? retry('errors.placeNotFound') : useButtons;
      const { place: _dropped, ...rest } = c.draft;
      return next({ ...rest, zoneId: zone.id });
    },
  },

  hood: {
    ask: (c) => {
      const zone = findZone(c.network, c.draft.zoneId);
      return [
        reply(
          'onboarding.hood.question',
          { zone: zone?.name ?? '' },
          {
            buttons: (zone?.neighbourhoods ?? []).map((h) =>
              one('hood', h.id, 'onboarding.hood.option', { hood: h.name }),
            ),
          },
        ),
      ];
    },
    answer: (c, a) => {
      const found =
        a.kind === 'text'
          ? neighbourhoodNamed(c.network, a.text, c.draft.zoneId)
          : findNeighbourhood(c.network, choice(a) ?? undefined);
      if (!found || found.zone.id !== c.draft.zoneId)
        return a.kind === 'text' ? retry('errors.placeNotFound') : useButtons;
      return next({ ...c.draft, place: hoodPlace(found.zone.id, found.hood) });
    },
  },

  addr: {
    ask: () => [
      reply('onboarding.addr.question', undefined, { buttons: [one('addr', 'skip', 'buttons.skip')] }),
    ],
    answer: (c, a) => {
      if (choice(a) === 'skip') return next({ ...c.draft, address: null });
      if (a.kind !== 'text') return retry('errors.typeAddress');
      const address = cleanAddress(a.text);
      return address ? next({ ...c.draft, address }) : retry('errors.badAddress');
    },
  },

  phone: {
    ask: () => [
      reply('onboarding.phone.question', undefined, { buttons: [one('phone', 'skip', 'buttons.skip')] }),
      reply('onboarding.phone.orShare', undefined, { keyboard: 'askContact' }),
    ],
    answer: (c, a) => {
      if (choice(a) === 'skip') return next({ ...c.draft, phone: null });
      if (a.kind === 'contact') {
        if (!a.own) return retry('errors.notOwnContact');
        const phone = cleanPhone(a.phone);
        return phone ? next({ ...c.draft, phone }) : retry('errors.badPhone');
      }
      if (a.kind !== 'text') return useButtons;
      const phone = cleanPhone(a.text);
      return phone ? next({ ...c.draft, phone }) : retry('errors.badPhone');
    },
  },

  time: {
    ask: (c) => [
      reply('onboarding.time.question', undefined, {
        buttons: [
          ...c.network.checkIn.times.map((t) =>
            one('time', t.replace(':', ''), 'onboarding.time.option', { time: t }),
          ),
          one('time', 'none', 'onboarding.time.none'),
        ],
      }),
    ],
    answer: (c, a) => {
      const value = choice(a);
      if (value === 'none') return next({ ...c.draft, checkInTime: null });
      const time = c.network.checkIn.times.find((t) => t.replace(':', '') === value);
      return time ? next({ ...c.draft, checkInTime: time }) : useButtons;
    },
  },

  radius: {
    ask: (c) => [
      reply('onboarding.radius.question', undefined, {
        buttons: [
          c.network.volunteerRadiusKm.flatMap((km) =>
            one('radius', String(km), 'onboarding.radius.option', { km }),
          ),
        ],
      }),
    ],
    answer: (c, a) => {
      const km = c.network.volunteerRadiusKm.find((r) => String(r) === choice(a));
      return km ? next({ ...c.draft, radiusKm: km }) : useButtons;
    },
  },

  cats: toggleStep(
    'cats',
    'onboarding.cats.question',
    () => categories,
    (v) => `categories.${v}`,
    (d) => d.categories,
    (d, v) => ({ ...d, categories: v }),
  ),

  days: {
    ask: () => [
      reply('onboarding.days.question', undefined, {
        buttons: Object.keys(dayPresets).map((p) => one('days', p, `onboarding.days.${p}`)),
      }),
    ],
    answer: (c, a) => {
      const days = dayPresets[choice(a) ?? ''];
      return days ? next({ ...c.draft, days }) : useButtons;
    },
  },

  parts: toggleStep(
    'parts',
    'onboarding.parts.question',
    () => dayParts,
    (v) => `dayParts.${v}`,
    (d) => d.dayParts,
    (d, v) => ({ ...d, dayParts: v }),
  ),

  vlang: toggleStep<string>(
    'vlang',
    'onboarding.vlang.question',
    (c) => c.network.languages,
    (v) => `languages.${v}`,
    (d) => d.languages,
    (d, v) => ({ ...d, languages: v }),
  ),

  cdays: toggleStep<Weekday>(
    'cdays',
    'schedule.cdays.question',
    () => weekdays,
    (v) => `days.${v}`,
    (d) => d.checkInDays,
    (d, v) => ({ ...d, checkInDays: v }),
  ),

  pfrom: {
    ask: (c) => [
      reply('schedule.pause.from', undefined, {
        buttons: [
          one('pfrom', '0', 'schedule.pause.today'),
          one('pfrom', '1', 'schedule.pause.tomorrow'),
          ...(currentAbsence(c.today, c.draft.absences)
            ? [one('pfrom', 'resume', 'schedule.pause.resume')]
            : []),
        ],
      }),
    ],
    answer: (c, a) => {
      const value = choice(a);
      if (value === 'resume') {
        // Absences covering today end yesterday; future ones stay.
        const absences = (c.draft.absences ?? [])
          .map((x) => (x.from <= c.today && x.to >= c.today ? { ...x, to: addDays(c.today, -1) } : x))
          .filter((x) => x.to >= x.from);
        return next({ ...c.draft, absences, pauseFrom: undefined });
      }
      if (value !== '0' && value !== '1') return useButtons;
      return next({ ...c.draft, pauseFrom: addDays(c.today, Number(value)) });
    },
  },

  plen: {
    ask: () => [
      reply('schedule.pause.length', undefined, {
        buttons: pauseLengths.map((days) => one('plen', String(days), `schedule.pause.days${days}`)),
      }),
    ],
    answer: (c, a) => {
      const days = pauseLengths.find((d) => String(d) === choice(a));
      if (!days || !c.draft.pauseFrom) return useButtons;
      const from = c.draft.pauseFrom;
      const kept = (c.draft.absences ?? []).filter((x) => x.to >= c.today);
      return next({ ...c.draft, absences: [...kept, { from, to: addDays(from, days - 1) }] });
    },
  },

  consent: {
    ask: () => [
      reply('onboarding.consent.question', undefined, {
        buttons: [
          one('consent', 'yes', 'onboarding.consent.accept'),
          one('consent', 'no', 'onboarding.consent.decline'),
        ],
      }),
    ],
    answer: (c, a) => {
      const value = choice(a);
      if (value === 'yes') return next(c.draft);
      if (value === 'no') return { kind: 'decline' };
      return useButtons;
    },
  },
};

export function isStepId(value: string): value is StepId {
  return value in steps;
}

/** A place at a neighbourhood's centre. */
function hoodPlace(zoneId: string, hood: Neighbourhood): Place {
  return {
    zoneId,
    neighbourhoodId: hood.id,
    lat: hood.centre.lat,
    lon: hood.centre.lon,
    source: 'neighbourhood',
  };
}
