import { describe, expect, it } from 'vitest';
import { cleanAddress, cleanName, cleanPhone, firstName, isReservedName } from '../../bot/domain/person.js';
import { parseInvitePayload, invitePayload, inviteUsable } from '../../bot/domain/invite.js';
import { distanceKm, nearest } from '../../bot/domain/geo.js';

describe('person text', () => {
  it('cleans names and refuses what is not one', () => {
    expect(cleanName('  Maria   Rossi ')).toBe('Maria Rossi');
    expect(cleanName('/start')).toBeNull();
    expect(cleanName('12345')).toBeNull();
    expect(cleanName('x'.repeat(61))).toBeNull();
    expect(firstName({ name: 'Maria Rossi' })).toBe('Maria');
  });

  it('capitalises names typed in lower or upper case, and keeps names with their own capitals', () => {
    expect(cleanName('lucia')).toBe('Lucia');
    expect(cleanName('maria rossi')).toBe('Maria Rossi');
    expect(cleanName('GIOVANNA BIANCHI')).toBe('Giovanna Bianchi');
    expect(cleanName("rosa d'amico")).toBe("Rosa D'Amico");
    expect(cleanName('anna-maria de luca')).toBe('Anna-Maria De Luca');
    expect(cleanName('ștefan')).toBe('Ștefan');
    expect(cleanName('олена')).toBe('Олена');
    expect(cleanName('Ewan McKay')).toBe('Ewan McKay');
    expect(cleanName('فاطمة')).toBe('فاطمة');
  });

  it('drops invisible format characters, collapses whitespace and refuses names past the cap', () => {
    expect(cleanName('\u202Eanna')).toBe('Anna');
    expect(cleanName('An\u200Bna')).toBe('Anna');
    expect(cleanName('\uFEFFMa\u200Cria\u200D \u2060Grazia')).toBe('Maria Grazia');
    expect(cleanName('\u202E\u200B')).toBeNull();
    expect(cleanName('Maria\t\n  Grazia')).toBe('Maria Grazia');
    expect(cleanName('a'.repeat(300))).toBeNull();
    expect(cleanName(`Anna${'\u200B'.repeat(300)}`)).toBe('Anna');
    expect(cleanName('Maria Grazia')).toBe('Maria Grazia');
    expect(cleanName('Zoë')).toBe('Zoë');
    expect(cleanName('Ана')).toBe('Ана');
  });

  it('knows names that imitate the service or a role, however they are written', () => {
    const reserved = ['Vicini', 'Servizi Sociali', 'ufficiale', 'mediatore', 'admin', 'support'];
    const refused = (typed: string) => isReservedName(cleanName(typed)!, reserved);
    expect(refused('Vicini – Servizi Sociali (ufficiale)')).toBe(true);
    expect(refused('SERVIZI-SOCIALI')).toBe(true);
    expect(refused('serviziSociali Brescia')).toBe(true);
    expect(refused('Vìcìnì')).toBe(true);
    expect(refused('V\u200Bicini')).toBe(true);
    expect(refused('A.D.M.I.N.')).toBe(true);
    expect(refused('Mediatore')).toBe(true);
    expect(refused('Support')).toBe(true);
    // A one-word entry inside a longer name is someone's surname.
    expect(refused('Maria Vicini')).toBe(false);
    expect(refused('Maria Grazia')).toBe(false);
    expect(refused('Zoë')).toBe(false);
    expect(refused('Ана')).toBe(false);
    expect(isReservedName('Maria', [])).toBe(false);
  });

  it('normalises Italian phone numbers', () => {
    expect(cleanPhone('333 123 4567')).toBe('+393331234567');
    expect(cleanPhone('0039 030 123456')).toBe('+39030123456');
    expect(cleanPhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(cleanPhone('call me')).toBeNull();
  });

  it('bounds addresses', () => {
    expect(cleanAddress('Via Musei 1')).toBe('Via Musei 1');
    expect(cleanAddress('x'.repeat(201))).toBeNull();
  });
});

describe('invites', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  const invite = {
    code: 'abcdEFGH2345',
    kind: 'mediator' as const,
    createdAt: now.toISOString(),
    expiresAt: '2026-11-22T10:00:00Z',
  };

  it('carry their kind in the deep-link payload', () => {
    expect(invitePayload(invite)).toBe('mabcdEFGH2345');
    expect(parseInvitePayload('mabcdEFGH2345')).toEqual({ kind: 'mediator', code: 'abcdEFGH2345' });
    expect(parseInvitePayload('rabcdEFGH2345')?.kind).toBe('relative');
    expect(parseInvitePayload('xabcdEFGH2345')).toBeNull();
    expect(parseInvitePayload('m<script>')).toBeNull();
  });

  it('are usable once, before they expire, for their kind only', () => {
    expect(inviteUsable(invite, 'mediator', now)).toBe(true);
    expect(inviteUsable(invite, 'relative', now)).toBe(false);
    expect(inviteUsable({ ...invite, usedAt: now.toISOString() }, 'mediator', now)).toBe(false);
    expect(inviteUsable(invite, 'mediator', new Date('2026-11-23T00:00:00Z'))).toBe(false);
  });
});

describe('geo', () => {
  it('measures Brescia distances about right', () => {
    // Piazza della Loggia to Mompiano is roughly 2.5 km.
    const km = distanceKm({ lat: 45.5407, lon: 10.2195 }, { lat: 45.562, lon: 10.233 });
    expect(km).toBeGreaterThan(2);
    expect(km).toBeLessThan(3);
    expect(nearest({ lat: 0, lon: 0 }, [])).toBeNull();
  });
});
