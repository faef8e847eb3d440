import type { HelpRequest } from './request.js';
import { isQuiet, type QuietHours } from './schedule.js';

/** At most one round of night-time offers per elder within this long. */
export const nightRoundMinutes = 60;

/** Requests still going for the elder (nobody has finished them yet), other than `exceptId`. */
export function stillOpen(requests: readonly HelpRequest[], exceptId?: string): HelpRequest[] {
  return requests.filter((r) => r.id !== exceptId && (r.state === 'open' || r.state === 'assigned'));
}

/**
 * The request whose offers already woke volunteers for this elder within the last
 * `nightRoundMinutes`, when `now` is in quiet hours: an urgent one made in quiet hours and
 * offered as usual (not itself the mediators' alone). Cancelled ones count too: the volunteers
 * were woken all the same. `exceptId` is the request being decided, so a re-run of its turn
 * (which may find it stored already) decides the same.
 */
export function nightRoundBefore(
  requests: readonly HelpRequest[],
  now: Date,
  quiet: QuietHours,
  timeZone: string,
  exceptId: string,
): HelpRequest | undefined {
  if (!isQuiet(now, quiet, timeZone)) return undefined;
  const since = now.getTime() - nightRoundMinutes * 60_000;
  return requests
    .filter((r) => {
      const at = new Date(r.createdAt);
      return (
        r.id !== exceptId &&
        r.urgent &&
        !r.mediatorOnly &&
        at.getTime() > since &&
        at.getTime() <= now.getTime() &&
        isQuiet(at, quiet, timeZone)
      );
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
}
