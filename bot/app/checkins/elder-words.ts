import { matchCheckInWords, type CheckInWords } from '../../domain/check-in-words.js';
import type { SignOfLife } from '../../domain/alert.js';
import { firstName } from '../../domain/person.js';
import { translator } from '../../core/i18n.js';
import { reply, type Inbound } from '../../flows/types.js';
import type { Turn } from '../common/turn.js';
import { startRequest } from '../requests/requests.js';
import { answerButtons, elderIsFine, elderNeedsHelp, openCheckIn } from './checkins.js';

/** A person's phrases, then the network's first language's (an elder may type in either). */
function vocabularies(turn: Turn): CheckInWords[] {
  const list = (t: ReturnType<typeof translator>, key: string) =>
    t(`checkin.words.${key}`).split('|').filter(Boolean);
  return [...new Set([turn.person.lang, turn.deps.network.defaultLanguage])].map((lang) => {
    const t = translator(lang);
    return { fine: list(t, 'fine'), help: list(t, 'help'), filler: list(t, 'filler') };
  });
}

/** Longest text kept as a sign of life (the relatives read it, they need no more). */
const signMax = 300;

/**
 * What a person typed or sent outside the buttons, read before the step
 * flows: an elder's "sto bene" or "aiuto" answers an open check-in; anything
 * else an elder sends during a check-in is kept as a sign of life and the two
 * buttons come back. Outside a check-in "aiuto" opens a help request. True when
 * the message was handled here.
 */
export async function understandWords(turn: Turn, input: Inbound, inStepFlow: boolean): Promise<boolean> {
  const { person } = turn;
  if (!person.onboardedAt) return false;
  const said = input.kind === 'text' ? matchCheckInWords(input.text, vocabularies(turn)) : null;
  if (person.role !== 'elder') {
    if (said !== 'help' || inStepFlow || person.role !== 'relative') return false;
    await startRequest(turn);
    return true;
  }
  const open = await openCheckIn(turn.deps, person.id);
  if (open && said === 'fine') {
    await elderIsFine(turn);
    return true;
  }
  if (open && said === 'help') {
    await elderNeedsHelp(turn);
    return true;
  }
  if (
    open &&
    !inStepFlow &&
    (input.kind === 'text' || input.kind === 'voice' || input.kind === 'unsupported')
  ) {
    const sign: SignOfLife =
      input.kind === 'text'
        ? { at: turn.now.toISOString(), kind: 'text', text: input.text.slice(0, signMax) }
        : input.kind === 'voice'
          ? { at: turn.now.toISOString(), kind: 'voice', voice: input.fileId }
          : { at: turn.now.toISOString(), kind: 'other' };
    await turn.deps.checkIns.noteSignOfLife(person.id, open.localDate, sign);
    turn.say(
      reply('checkin.signOfLife', { name: firstName(person) }, { buttons: answerButtons(open.localDate) }),
    );
    return true;
  }
  if (inStepFlow) return false;
  if (said === 'fine') {
    await elderIsFine(turn);
    return true;
  }
  if (said === 'help') {
    turn.say(reply('elder.helpTyped', undefined, { keyboard: 'elder' }));
    await startRequest(turn);
    return true;
  }
  return false;
}
