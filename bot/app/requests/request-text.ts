import type { HelpRequest } from '../../domain/request.js';
import type { Param } from '../../flows/types.js';

/** The "when" of a request, as a message parameter. */
export function whenParam(r: Pick<HelpRequest, 'when'>): Param {
  const { kind, date, part } = r.when;
  if (kind !== 'day') return { t: `request.whenText.${kind}` };
  return {
    t: 'request.whenText.day',
    params: { date: { date }, part: { t: `request.whenText.parts.${part ?? 'morning'}` } },
  };
}
