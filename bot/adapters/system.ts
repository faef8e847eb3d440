import { createHash, randomBytes } from 'node:crypto';
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

/** 14 characters of the same alphabet from a hash of the seed. */
function seededString(seed: string, length = 14): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** Random ids: person ids of 14 characters, invite codes of 16 (about 92 bits). */
export const randomIds: Ids = {
  personId: () => randomString(14),
  inviteCode: () => randomString(16),
  fromSeed: (seed) => seededString(seed),
};
