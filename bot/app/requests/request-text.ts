import type { HelpRequest } from '../../domain/request.js';
import type { Param } from '../../flows/types.js';

/** The "when" of a request, as a message parameter. */
export function whenParam(r: Pick<HelpRequest, 'when'>): Param {
  const { kind, date, part } = r.when;
  if (kind !== 'day') return { t: `request.whenText.${kind}` };
  const weekday = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][
    (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7
  ];
  return {
    t: 'request.whenText.day',
    params: {
      day: { t: `days.${weekday}` },
      date: `${date.slice(8, 10)}/${date.slice(5, 7)}`,
      part: { t: `dayParts.${part ?? 'morning'}` },
    },
  };
}
