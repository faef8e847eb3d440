import { countLeaving } from '../figures/counting.js';
import { countBroadcastOutcome } from '../broadcast/report.js';
import type { OutboundMessage } from '../../core/outbound.js';
import { firstName } from '../../domain/person.js';
import { taskView } from '../../domain/request.js';
import { stepData } from '../../flows/button-data.js';
import { reply } from '../../flows/types.js';
import { findNeighbourhood } from '../../domain/network.js';
import type { Turn } from '../common/turn.js';
import { cancelAndTell } from '../requests/requests.js';
import { routeAgain, volunteerLeaves } from '../requests/tasks.js';

/** `/mydata`: every stored item about the person, as one JSON document. */
export async function exportMyData(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  const stored = await deps.store.exportPerson(person.id);
  // A volunteer's tasks: the requests her pointers name, as far as they are hers to see.
  const tasks =
    person.role === 'volunteer'
      ? (await deps.requests.tasksOf(person.id)).map((r) => taskView(r, person.id))
      : [];
  const items = [...stored, ...tasks] as Record<string, unknown>[];
  const content = JSON.stringify({ exportedAt: turn.now.toISOString(), items }, null, 2);
  const details = await deps.store.getPrivate(person.id);
  const none = { t: 'profile.none' };
  const counted = (entity: string) => items.filter((i) => i.entity === entity).length;
  // First what a person can read; the full record follows as a file.
  turn.say(
    reply('privacy.mydataSummary', {
      name: person.name ?? none,
      role: person.role ? { t: `roles.${person.role}` } : none,
      language: { t: `languages.${person.lang}` },
      address: details.address ?? none,
      phone: details.phone ?? none,
      checkIn: person.checkInTime ?? none,
      checkIns: counted('checkIn'),
      requests: counted('request'),
    }),
  );
  if (person.role === 'volunteer')
    turn.say(
      reply('privacy.mydataTasks', {
        count: tasks.length,
        done: tasks.filter((t) => t.yours === 'done').length,
      }),
    );
  const kept = counted('delivery');
  if (kept) turn.say(reply('privacy.mydataKept', { count: kept }));
  turn.say(
    reply(
      'privacy.mydata',
      { count: items.length },
      { document: { filename: 'vicini-my-data.json', content } },
    ),
  );
}

const forgetQuestion = (step: 'f1' | 'f2') =>
  reply(`privacy.forget.${step}`, undefined, {
    buttons: [
      [{ label: `privacy.forget.${step}Yes`, data: stepData(step, 'yes') }],
      [{ label: 'buttons.cancel', data: stepData(step, 'no') }],
    ],
  });

/** `/forget`: asked twice before anything is erased. */
export function startForget(turn: Turn): void {
  turn.setFlow('forget', 'f1', {});
  turn.say(forgetQuestion('f1'));
}

export async function answerForget(turn: Turn, value: string | null): Promise<void> {
  if (value === 'no') {
    turn.endFlow();
    turn.say(reply('privacy.forget.cancelled', undefined, { edit: true }));
    return;
  }
  if (value !== 'yes') {
    turn.say(reply('errors.useButtons'), forgetQuestion(turn.step === 'f2' ? 'f2' : 'f1'));
    return;
  }
  if (turn.step === 'f1') {
    turn.setFlow('forget', 'f2', {});
    turn.say({ ...forgetQuestion('f2'), edit: true });
    return;
  }
  await erase(turn);
}

async function erase(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  if (person.role === 'elder' && person.onboardedAt) {
    // Open requests are cancelled first, so no volunteer keeps waiting or keeps the address.
    for (const r of await deps.requests.requestsOf(person.id)) await cancelAndTell(deps, r, turn.now);
    const relatives = (await deps.store.listRelatives(person.id)).filter((l) => l.status === 'confirmed');
    const mediators = person.zoneId ? await deps.store.listPeople(person.zoneId, 'mediator') : [];
    const hood = findNeighbourhood(deps.network, person.place?.neighbourhoodId)?.hood.name ?? '';
    const told = [...(await deps.store.getPeople(relatives.map((l) => l.relativeId))), ...mediators];
    for (const other of told) {
      await deps.messenger.send(other, [
        reply('privacy.forget.elderLeft', { name: firstName(person), hood }),
      ]);
    }
  }
  // Tasks they were offered or hold: the requests forget them, and theirs go back to other volunteers.
  const reroute = person.role === 'volunteer' ? await volunteerLeaves(deps, person) : [];
  await countLeaving(deps.figures, person);
  // Broadcast copies waiting out the night for them are erased with them: the report counts them now.
  for (const held of await deps.timers.heldFor(person.id))
    await countBroadcastOutcome(deps, (held.data as { message: OutboundMessage }).message, 'unreachable');
  await deps.store.erasePerson(person.id);
  await routeAgain(deps, reroute, turn.now);
  turn.erased = true;
  turn.say(
    reply('privacy.forget.done', undefined, { edit: true }),
    reply('privacy.forget.bye', undefined, { keyboard: 'remove' }),
  );
}
