import type { HelpRequest } from '../../domain/request.js';
import { RequestChangedError } from '../../core/errors.js';
import { reply } from '../../flows/types.js';
import type { Turn } from '../common/turn.js';

/** A conditional request write, or null when the request had moved on (an old button, a second press). */
export function unlessChanged<T>(write: Promise<T>): Promise<T | null> {
  return write.catch((err: unknown) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
}

/** The request, when the presser is its elder or one of the relatives following it; else they hear "not allowed". */
export async function followedRequest(turn: Turn, requestId: string): Promise<HelpRequest | null> {
  const r = await turn.deps.requests.getRequest(requestId);
  if (!r || (r.elderId !== turn.person.id && !r.followers.includes(turn.person.id))) {
    turn.say(reply('errors.notAllowed'));
    return null;
  }
  return r;
}
