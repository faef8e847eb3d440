import { showFigures } from './figures/figures.js';
import { parseButtonData } from '../flows/button-data.js';
import { reply, type Inbound } from '../flows/types.js';
import { answerStep, askAgain, isStepFlow, type FlowEnds } from './conversation/conversation.js';
import { acknowledgeAlert, listAlerts, resolveAlert } from './alerts/alerts.js';
import { openAlert } from './alerts/open-card.js';
import {
  cancelRequest,
  createHelpRequest,
  listRequests,
  setAvailable,
  startRequest,
} from './requests/requests.js';
import {
  acceptAsk,
  acceptOffer,
  assignByHand,
  assignList,
  declineAsk,
  declineOffer,
} from './requests/offers.js';
import { confirmDone, nobodyCame, releaseTask, taskDone, wellbeing } from './requests/tasks.js';
import { closeCheckInForAlert, elderIsFine, elderNeedsHelp, heardFromElder } from './checkins/checkins.js';
import { understandWords } from './checkins/elder-words.js';
import { mainMenu } from './conversation/menu.js';
import { completeOnboarding, declineConsent, start } from './conversation/onboarding.js';
import { answerForget, exportMyData, startForget } from './people/privacy.js';
import {
  applyEdit,
  scheduleMenu,
  showProfile,
  startEdit,
  startScheduleEdit,
} from './conversation/profile.js';
import { createRelativeInvite, decideLink, listElders } from './people/relatives.js';
import { Turn } from './common/turn.js';
import { commands } from '../core/inbound.js';
import { decideVolunteer, listPending } from './people/volunteers.js';
import { showToday, showZoneElders } from './people/desk.js';
import { pageNumber } from './people/paging.js';
import { setVolunteerSuspended, showVolunteers } from './people/roster.js';
import { answerBroadcast, startBroadcast } from './broadcast/broadcast.js';
import { setBroadcastsOff } from './broadcast/report.js';

/** What each step flow does when its last question is answered. */
const flowEnds: FlowEnds = {
  onboarding: completeOnboarding,
  request: createHelpRequest,
  edit: applyEdit,
  declined: declineConsent,
};

/**
 * What an update asks of the app: a command, a button (parsed, checked), an answer to the current
 * step, or words understood anywhere; the turn collects what each use case says and writes.
 */
export async function dispatch(turn: Turn, input: Inbound): Promise<void> {
  switch (input.kind) {
    case 'command':
      return command(turn, input.command, input.arg);
    case 'button':
      return button(turn, input.data);
    case 'blocked':
      return;
  }
  if (await understandWords(turn, input, isStepFlow(turn.flow) || turn.flow === 'forget')) return;
  // The broadcast's text step takes text; anything else there is answered by the flow, which keeps its place.
  if (turn.flow === 'broadcast') return answerBroadcast(turn, input);
  switch (input.kind) {
    case 'unsupported':
      if (!turn.flow && turn.person.onboardedAt)
        return turn.say(...mainMenu(turn.person, reply('errors.unsupported')));
      turn.say(reply('errors.unsupported'));
      return askAgain(turn);
    default:
      if (isStepFlow(turn.flow)) return answerStep(turn, input, flowEnds);
      if (turn.flow === 'forget') return answerForget(turn, null);
      return idle(turn);
  }
}

function idle(turn: Turn): Promise<void> | void {
  if (!turn.person.onboardedAt) return start(turn, '');
  turn.say(...mainMenu(turn.person, reply('errors.notUnderstood')));
}

async function command(turn: Turn, name: string, arg: string): Promise<void> {
  const onboarded = !!turn.person.onboardedAt;
  switch (name) {
    case 'start':
      return start(turn, arg);
    case 'help':
      turn.say(reply(onboarded ? `help.${turn.person.role}` : 'help.newcomer'));
      return askAgain(turn);
    case 'cancel':
      turn.endFlow();
      if (onboarded) return turn.say(...mainMenu(turn.person, reply('common.cancelled')));
      turn.say(reply('common.cancelledNewcomer', undefined, { keyboard: 'remove' }));
      return;
    case 'mydata':
      return exportMyData(turn);
    case 'forget':
      return startForget(turn);
  }
  if (!onboarded) {
    turn.say(reply(commands.includes(name as never) ? 'errors.finishFirst' : 'errors.unknownCommand'));
    return askAgain(turn);
  }
  switch (name) {
    case 'profile':
      return showProfile(turn);
    case 'language':
      return startEdit(turn, 'lang');
    case 'invite':
      return createRelativeInvite(turn);
    case 'pending':
      return listPending(turn);
    case 'volunteers':
      return showVolunteers(turn);
    case 'alerts':
      return listAlerts(turn);
    case 'figures':
      return showFigures(turn);
    case 'elders':
      return turn.person.role === 'mediator' ? showZoneElders(turn) : listElders(turn);
    case 'today':
      return showToday(turn);
    case 'broadcast':
      return startBroadcast(turn);
    case 'request':
      return startRequest(turn);
    case 'requests':
      return listRequests(turn);
    case 'available':
      return setAvailable(turn, true);
    case 'away':
      return setAvailable(turn, false);
    case 'pause':
      return startEdit(turn, 'pfrom');
    default:
      turn.say(reply('errors.unknownCommand'));
  }
}

async function button(turn: Turn, data: string): Promise<void> {
  const parsed = parseButtonData(data);
  if (!parsed) {
    turn.say(reply('errors.unknownButton'));
    return;
  }
  if (parsed.type === 'step') {
    if (parsed.step !== turn.step || !turn.flow) {
      // The current question is still in the chat: the press only hears why nothing happened.
      turn.say(reply('errors.staleButton', undefined, { toast: true }));
      return;
    }
    if (turn.flow === 'forget') return answerForget(turn, parsed.value);
    if (turn.flow === 'broadcast') return answerBroadcast(turn, { kind: 'choice', value: parsed.value });
    return answerStep(turn, { kind: 'choice', value: parsed.value }, flowEnds);
  }
  if (parsed.type === 'profile') return startEdit(turn, parsed.step);
  switch (parsed.verb) {
    case 'va':
    case 'vr':
      return decideVolunteer(turn, parsed.id, parsed.verb === 'va');
    case 'lc':
    case 'ld':
      return decideLink(turn, parsed.id, parsed.verb === 'lc');
    case 'inv':
      return createRelativeInvite(turn);
    case 'ok':
    case 'cf':
      return elderIsFine(turn, parsed.verb === 'cf');
    case 'help':
    case 'ch':
      return elderNeedsHelp(turn, parsed.verb === 'ch');
    case 'hw':
      return heardFromElder(turn, parsed.id);
    case 'cs':
      return scheduleMenu(turn, parsed.id);
    case 'ct':
      return startScheduleEdit(turn, parsed.id, 'time');
    case 'cp':
      return startScheduleEdit(turn, parsed.id, 'pfrom');
    case 'rq':
      return startRequest(turn, parsed.id || undefined);
    case 'oa':
      return acceptOffer(turn, parsed.id);
    case 'od':
      return declineOffer(turn, parsed.id);
    case 'rd':
      return taskDone(turn, parsed.id);
    case 'rr':
      return releaseTask(turn, parsed.id);
    case 'rc':
      return confirmDone(turn, parsed.id);
    case 'rn':
      return nobodyCame(turn, parsed.id);
    case 'rx':
      return cancelRequest(turn, parsed.id);
    case 'wk':
    case 'ww':
      return wellbeing(turn, parsed.id, parsed.verb === 'ww');
    case 'ra':
      return assignList(turn, parsed.id);
    case 'rh':
      return assignByHand(turn, parsed.id);
    case 'hy':
      return acceptAsk(turn, parsed.id);
    case 'hn':
      return declineAsk(turn, parsed.id);
    case 'ak':
      return acknowledgeAlert(turn, parsed.id);
    case 'ar':
      return resolveAlert(turn, parsed.id, (alert) => closeCheckInForAlert(turn.deps, alert, turn.person));
    case 'ao':
      return openAlert(turn, parsed.id);
    case 'td':
      return showToday(turn, pageNumber(parsed.id));
    case 'el':
      return showZoneElders(turn, pageNumber(parsed.id));
    case 'vl':
      return showVolunteers(turn, pageNumber(parsed.id));
    case 'vs':
    case 'vu':
      return setVolunteerSuspended(turn, parsed.id, parsed.verb === 'vs');
    case 'bs':
    case 'bo':
      return setBroadcastsOff(turn, parsed.verb === 'bs');
    default: {
      // Every verb has its case: adding one to `verbs` without a case here does not compile.
      const unhandled: never = parsed.verb;
      return unhandled;
    }
  }
}
