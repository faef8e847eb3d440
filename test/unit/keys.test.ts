import { describe, expect, it } from 'vitest';
import { byList, entity, idFromLinkSk, keys } from '../../bot/adapters/store/keys.js';

describe('key builders', () => {
  it('put personal items in the person partition', () => {
    expect(keys.person('abc')).toEqual({ PK: 'P#abc', SK: 'PROFILE' });
    expect(keys.private('abc')).toEqual({ PK: 'P#abc', SK: 'PRIVATE' });
    expect(keys.flow('abc')).toEqual({ PK: 'P#abc', SK: 'FLOW' });
    expect(keys.inviteRef('abc', 'code1')).toEqual({ PK: 'P#abc', SK: 'INV#code1' });
  });

  it('mirror relative links on both sides', () => {
    expect(keys.relativeLink('elder1', 'rel1')).toEqual({ PK: 'P#elder1', SK: 'REL#rel1' });
    expect(keys.elderLink('rel1', 'elder1')).toEqual({ PK: 'P#rel1', SK: 'ELDER#elder1' });
    expect(idFromLinkSk('REL#rel1')).toBe('rel1');
    expect(idFromLinkSk('ELDER#elder1')).toBe('elder1');
  });

  it('key channel identities, invites and processed updates by their own ids', () => {
    expect(keys.identity({ channel: 'telegram', id: '42' })).toEqual({ PK: 'CH#telegram#42', SK: 'CH' });
    expect(keys.invite('XyZ')).toEqual({ PK: 'INV#XyZ', SK: 'INV' });
    expect(keys.processed('telegram', '7')).toEqual({ PK: 'UPD#telegram#7', SK: 'UPD' });
  });

  it('list people of a role in a zone, sorted by status', () => {
    expect(byList.zoneRole('nord', 'mediator')).toBe('ZONE#nord#mediator');
    expect(byList.status('pending', 'v1')).toBe('pending#v1');
  });

  it('names every entity once', () => {
    const values = Object.values(entity);
    expect(new Set(values).size).toBe(values.length);
  });
});
