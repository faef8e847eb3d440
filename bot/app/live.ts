import type { OutboundMessage } from '../core/outbound.js';
import { cardNow } from './alerts/open-card.js';
import type { AppDeps } from './common/deps.js';
import { assignmentAgain } from './requests/assignment.js';

/**
 * Messages that were parked (held outside WhatsApp's window or for quiet hours) made ready to
 * go: those about someone who is gone are dropped, and what carries personal data is read again,
 * only while it still may go (an assignment card while the request is assigned to that volunteer,
 * an alert card while the alert is not closed).
 */
export async function liveAgain(deps: AppDeps, messages: OutboundMessage[]): Promise<OutboundMessage[]> {
  const aboutIds = [...new Set(messages.flatMap((m) => m.about ?? []))];
  const living = new Set((await deps.store.getPeople(aboutIds)).map((p) => p.id));
  const out: OutboundMessage[] = [];
  for (const m of messages) {
    if ((m.about ?? []).some((id) => !living.has(id))) continue;
    const again =
      m.live?.kind === 'assignment'
        ? await assignmentAgain(deps, m, m.live)
        : m.live?.kind === 'alertCard'
          ? await alertCardAgain(deps, m, m.live)
          : m;
    if (again) out.push(again);
  }
  return out;
}

/** A parked alert card read again, as it stands now for the mediator it is for, with what the elder wrote. */
async function alertCardAgain(
  deps: AppDeps,
  m: OutboundMessage,
  live: { alertId: string; escalated?: boolean },
): Promise<OutboundMessage | null> {
  const alert = await deps.alerts.getAlert(live.alertId);
  if (!alert || alert.state === 'resolved') return null;
  const subject = await deps.store.getPerson(alert.personId);
  if (!subject) return null;
  return { ...m, replies: await cardNow(deps, alert, subject, m.personId, !!live.escalated) };
}
