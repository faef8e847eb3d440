import { randomBytes } from 'node:crypto';
import type { Clock, Ids } from '../core/ports.js';

export const systemClock: Clock = { now: () => new Date() };

// No 0/O, 1/I/l: codes are sometimes read aloud or copied by hand.
const alphabet = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789';

function randomString(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!;
    // Rejection sampling keeps every character equally likely.
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
  }
  return out.length === length ? out : randomString(length);
}

/** Random ids: person ids of 14 characters, invite codes of 16 (about 92 bits). */
export const randomIds: Ids = {
  personId: () => randomString(14),
  inviteCode: () => randomString(16),
};
