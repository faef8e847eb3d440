import { describe, expect, it } from 'vitest';
import { actionData, parseButtonData, profileData, stepData, verbs } from '../../bot/flows/button-data.js';

describe('button data', () => {
  it('round-trips every shape', () => {
    expect(parseButtonData(stepData('lang', 'it'))).toEqual({ type: 'step', step: 'lang', value: 'it' });
    expect(parseButtonData(actionData('va', 'Ab3_x-9'))).toEqual({
      type: 'action',
      verb: 'va',
      id: 'Ab3_x-9',
    });
    expect(parseButtonData(actionData('inv'))).toEqual({ type: 'action', verb: 'inv', id: '' });
    expect(parseButtonData(profileData('name'))).toEqual({ type: 'profile', step: 'name' });
  });

  it.each([
    '',
    'x',
    's:lang',
    's:lang:it:extra',
    'a:',
    'a:va:id:more',
    'p:',
    's:la ng:it',
    's:lang:<b>',
    `s:lang:${'x'.repeat(70)}`,
    'a:va:../../etc',
    // A verb of the right shape that no button carries.
    'a:zz:abc',
    'a:vx',
  ])('refuses forged data %j', (data) => {
    expect(parseButtonData(data)).toBeNull();
  });

  it('keeps within 64 bytes for the longest ids the bot makes', () => {
    expect(Buffer.byteLength(actionData('va', 'x'.repeat(14)))).toBeLessThanOrEqual(64);
    expect(Buffer.byteLength(stepData('consent', 'yes'))).toBeLessThanOrEqual(64);
  });

  it('parses every verb a button can carry, each code once', () => {
    const codes = Object.values(verbs);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(parseButtonData(actionData(code, 'id1'))).toMatchObject({ verb: code });
  });
});
