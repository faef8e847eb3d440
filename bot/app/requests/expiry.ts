import { countExpired } from '../figures/counting.js';
import { firstName } from '../../domain/person.js';
import { localDate } from '../../domain/schedule.js';
import { reply } from '../../flows/types.js';
import type { Claimed } from '../../core/ports.js';
import type { AppDeps } from '../common/deps.js';
import { mediatorsFor, messagesTo } from '../common/notify.js';
import { cancelAndTell } from './requests.js';

/**
 * A request still open at the end of its retention period (nobody took it, nobody closed it):
 * the zone's mediators hear that it is closed now, and it is cancelled like any other, so it
 * leaves the table after the retention period. Assigned or finished requests are left alone.
 */
export async function fireRequestExpiry(
  deps: AppDeps,
  timer: Claimed<'requestExpiry'>,
  now: Date,
): Promise<void> {
  const request = await deps.requests.getRequest(timer.data.requestId);
  if (!request || request.state !== 'open') return;
  const elder = await deps.store.getPerson(request.elderId);
  if (!(await cancelAndTell(deps, request, now))) return;
  await countExpired(deps.figures, deps.network, request, now);
  const params = {
    name: elder ? firstName(elder) : '',
    category: { t: `categories.${request.category}` },
    date: { date: localDate(new Date(request.createdAt), deps.network.timeZone) },
  };
  const mediators = await mediatorsFor(deps, request.zoneId);
  await deps.outbox.enqueue(
    mediators.flatMap((m) =>
      messagesTo(m, `req.${request.id}.expired`, [reply('request.expiredMediator', params)]),
    ),
  );
}
