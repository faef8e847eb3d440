/**
 * Button data is short (Telegram allows 64 bytes, WhatsApp ids are similar)
 * and always parsed back strictly: a press is only what it claims to be after
 * the handler checks it against the state and the presser.
 *
 *   s:<step>:<value>   answer to a step of the current conversation
 *   a:<verb>[:<id>]    an action on something (approve a volunteer, confirm a link…)
 *   p:<step>           edit one part of the profile
 */
export type ButtonData =
  | { type: 'step'; step: string; value: string }
  | { type: 'action'; verb: Verb; id: string }
  | { type: 'profile'; step: string };

/**
 * Every action a button can carry, by what it does; the data holds the short
 * code (button data is at most 64 bytes). A code not listed here is not a
 * button of ours: a typo does not compile, and a forged one does not parse.
 */
export const verbs = {
  approveVolunteer: 'va',
  rejectVolunteer: 'vr',
  confirmLink: 'lc',
  declineLink: 'ld',
  inviteRelative: 'inv',
  fine: 'ok',
  fineToday: 'cf',
  help: 'help',
  helpToday: 'ch',
  heardFromElder: 'hw',
  scheduleMenu: 'cs',
  scheduleTime: 'ct',
  schedulePause: 'cp',
  startRequest: 'rq',
  acceptOffer: 'oa',
  declineOffer: 'od',
  taskDone: 'rd',
  releaseTask: 'rr',
  confirmDone: 'rc',
  nobodyCame: 'rn',
  cancelRequest: 'rx',
  wellbeingFine: 'wk',
  wellbeingWorried: 'ww',
  assignList: 'ra',
  assignByHand: 'rh',
  acceptAsk: 'hy',
  declineAsk: 'hn',
  acknowledgeAlert: 'ak',
  resolveAlert: 'ar',
  openAlert: 'ao',
  todayPage: 'td',
  eldersPage: 'el',
  volunteersPage: 'vl',
  suspendVolunteer: 'vs',
  reinstateVolunteer: 'vu',
  stopBroadcasts: 'bs',
  resumeBroadcasts: 'bo',
} as const;
export type Verb = (typeof verbs)[keyof typeof verbs];
const knownVerbs = new Set<string>(Object.values(verbs));
export const isVerb = (code: string): code is Verb => knownVerbs.has(code);

const token = /^[A-Za-z0-9_.+-]{1,40}$/;

export const stepData = (step: string, value: string): string => `s:${step}:${value}`;
export const actionData = (verb: Verb, id = ''): string => (id ? `a:${verb}:${id}` : `a:${verb}`);
export const profileData = (step: string): string => `p:${step}`;

/** Null for anything that is not exactly one of the shapes above. */
export function parseButtonData(data: string): ButtonData | null {
  if (data.length > 64) return null;
  const parts = data.split(':');
  if (parts[0] === 's' && parts.length === 3 && token.test(parts[1]!) && token.test(parts[2]!)) {
    return { type: 'step', step: parts[1]!, value: parts[2]! };
  }
  if (
    parts[0] === 'a' &&
    (parts.length === 2 || parts.length === 3) &&
    parts.every((p) => p === 'a' || token.test(p)) &&
    isVerb(parts[1]!)
  ) {
    return { type: 'action', verb: parts[1], id: parts[2] ?? '' };
  }
  if (parts[0] === 'p' && parts.length === 2 && token.test(parts[1]!))
    return { type: 'profile', step: parts[1]! };
  return null;
}
