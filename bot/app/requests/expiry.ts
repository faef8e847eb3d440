import { countExpired } from '../figures/counting.js';
import { firstName } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { localDate } from '../../domain/schedule.js';
import { requestExpiryTimer } from '../../domain/timer.js';
import { reply } from '../../flows/types.js';
import type { Claimed } from '../../core/ports.js';
import type { AppDeps } from '../common/deps.js';
import { mediatorsFor, messagesTo } from '../common/notify.js';
import { unlessChanged } from './guards.js';
import { cancelAndTell } from './requests.js';

/**
 * The end of a request's retention period. Still open (nobody took it, nobody closed it): the zone's
 * mediators hear that it is closed now, and it is cancelled like any other. Done but never confirmed:
 * it is closed, quietly. Still assigned: the volunteer may yet go, so it is looked at again one period
 * later, and if still assigned then it ends as a cancel does (the volunteer told, the details
 * stripped) and the mediators hear it. Either way it leaves the table a retention period after it ends.
 */
export async function fireRequestExpiry(
  deps: AppDeps,
  timer: Claimed<'requestExpiry'>,
  now: Date,
): Promise<void> {
  const request = await deps.requests.getRequest(timer.data.requestId);
  const round = timer.data.round ?? 1;
  const { retentionDays } = deps.network.requests;
  if (!request) return;
  if (request.state === 'done') {
    await unlessChanged(deps.requests.close(request, now, retentionDays));
    return;
  }
  if (request.state === 'assigned' && round === 1) {
    await deps.timers.schedule([requestExpiryTimer(request, retentionDays, 2)]);
    return;
  }
  if (request.state !== 'open' && request.state !== 'assigned') return;
  const elder = await deps.store.getPerson(request.elderId);
  if (!(await cancelAndTell(deps, request, now))) return;
  await countExpired(deps.figures, deps.network, request, now);
  await tellMediators(deps, request, elder ? firstName(elder) : '', request.state === 'open');
}

async function tellMediators(deps: AppDeps, request: HelpRequest, name: string, nobodyTook: boolean) {
  const params = {
    name,
    category: { t: `categories.${request.category}` },
    date: { date: localDate(new Date(request.createdAt), deps.network.timeZone) },
  };
  const text = nobodyTook ? 'request.expiredMediator' : 'request.expiredAssignedMediator';
  const mediators = await mediatorsFor(deps, request.zoneId);
  await deps.outbox.enqueue(
    mediators.flatMap((m) => messagesTo(m, `req.${request.id}.expired`, [reply(text, params)])),
  );
}
