import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../bot/domain/person.js';
import {
  AlreadyDecidedError,
  CheckInMissingError,
  FlowConflictError,
  IdentityTakenError,
  InviteCodeTakenError,
  InviteUnavailableError,
  LinkUnavailableError,
  PersonChangedError,
} from '../../bot/core/errors.js';
import { DynamoCheckIns } from '../../bot/adapters/store/dynamo-checkins.js';
import { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import { DynamoTimers } from '../../bot/adapters/store/dynamo-timers.js';
import { hourKey, shardOf, type Timer } from '../../bot/domain/timer.js';
import { countingClient, testTable } from '../support/dynamo.js';

const now = new Date('2026-11-21T10:00:00Z');
let store: DynamoStore;
let checkIns: DynamoCheckIns;
let scanAll: () => Promise<Record<string, unknown>[]>;
let counter: ReturnType<typeof countingClient>;

const person = (id: string, extra: Partial<Person> = {}): Person => ({
  id,
  lang: 'it',
  createdAt: now.toISOString(),
  channels: [{ channel: 'telegram', id: `tg-${id}` }],
  ...extra,
});

beforeAll(async () => {
  const { doc, tableName } = await testTable();
  store = new DynamoStore(doc, tableName, () => now);
  checkIns = new DynamoCheckIns(doc, tableName);
  counter = countingClient(doc);
  scanAll = async () => (await doc.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
});

describe('DynamoStore', () => {
  it('creates a person with their channel identity, once', async () => {
    await store.createPerson(person('p1'), { channel: 'telegram', id: 'tg-p1' });
    expect((await store.findPersonByChannel({ channel: 'telegram', id: 'tg-p1' }))?.id).toBe('p1');
    await expect(
      store.createPerson(person('p1bis'), { channel: 'telegram', id: 'tg-p1' }),
    ).rejects.toBeInstanceOf(IdentityTakenError);
    expect(await store.getPerson('p1bis')).toBeNull();
  });

  it('keeps flow state with optimistic versions', async () => {
    expect(await store.getFlow('f1', now)).toBeNull();
    await store.saveFlow('f1', { flow: 'onboarding', step: 'lang', data: {} }, 0, now);
    const read = await store.getFlow('f1', now);
    expect(read).toMatchObject({ flow: 'onboarding', step: 'lang', version: 1 });
    await store.saveFlow('f1', { flow: 'onboarding', step: 'role', data: { lang: 'en' } }, 1, now);
    // A writer that read version 1 too loses.
    await expect(
      store.saveFlow('f1', { flow: 'onboarding', step: 'x', data: {} }, 1, now),
    ).rejects.toBeInstanceOf(FlowConflictError);
    await expect(store.saveFlow('f1', null, 0, now)).rejects.toBeInstanceOf(FlowConflictError);
    await store.saveFlow('f1', null, 2, now);
    expect(await store.getFlow('f1', now)).toMatchObject({ flow: '', version: 3 });
  });

  it('ignores an expired flow (DynamoDB Local never deletes it)', async () => {
    await store.saveFlow('f2', { flow: 'onboarding', step: 'lang', data: {} }, 0, now);
    const later = new Date(now.getTime() + 8 * 24 * 3600_000);
    expect(await store.getFlow('f2', later)).toMatchObject({ flow: '', version: 1 });
  });

  it('lets an invite be claimed once, before it expires, for its kind', async () => {
    const invite = {
      code: 'inviteAAAA',
      kind: 'mediator' as const,
      zoneId: 'nord',
      createdAt: now.toISOString(),
      expiresAt: '2026-11-22T10:00:00Z',
    };
    await store.createInvite(invite);
    await expect(store.claimInvite('inviteAAAA', 'relative', now)).rejects.toBeInstanceOf(
      InviteUnavailableError,
    );
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map(() => store.claimInvite('inviteAAAA', 'mediator', now)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await store.createInvite({ ...invite, code: 'inviteBBBB' });
    await expect(
      store.claimInvite('inviteBBBB', 'mediator', new Date('2026-11-23T00:00:00Z')),
    ).rejects.toBeInstanceOf(InviteUnavailableError);
    await expect(store.claimInvite('nosuchcode', 'mediator', now)).rejects.toBeInstanceOf(
      InviteUnavailableError,
    );
  });

  it('refuses a second invite with the same code by name, and keeps the first', async () => {
    const invite = {
      code: 'inviteCCCC',
      kind: 'mediator' as const,
      zoneId: 'nord',
      createdAt: now.toISOString(),
      expiresAt: '2026-11-22T10:00:00Z',
    };
    await store.createInvite(invite);
    await expect(
      store.createInvite({ ...invite, kind: 'relative', zoneId: undefined, elderId: 'e7' }),
    ).rejects.toBeInstanceOf(InviteCodeTakenError);
    expect(await store.getInvite('inviteCCCC')).toMatchObject({ kind: 'mediator', zoneId: 'nord' });
    expect(await store.exportPerson('e7')).toEqual([]);
  });

  it('makes one invite per update: the same update again returns the first, a new update a new one', async () => {
    const invite = {
      code: 'onceAAAA',
      kind: 'relative' as const,
      elderId: 'e8',
      createdAt: now.toISOString(),
      expiresAt: '2026-11-23T10:00:00Z',
    };
    expect(await store.createInvite(invite, 'telegram.500')).toEqual(invite);
    // The turn ran again after a fault: another random code, the same update.
    expect(await store.createInvite({ ...invite, code: 'onceBBBB' }, 'telegram.500')).toEqual(invite);
    expect(await store.getInvite('onceBBBB')).toBeNull();
    expect((await store.createInvite({ ...invite, code: 'onceCCCC' }, 'telegram.501')).code).toBe('onceCCCC');
    // A taken code on another update is still refused by name.
    await expect(store.createInvite(invite, 'telegram.502')).rejects.toBeInstanceOf(InviteCodeTakenError);
    // The markers are bookkeeping: /mydata shows the invites, and erasure takes everything.
    const exported = await store.exportPerson('e8');
    expect(exported.map((i) => i.entity).sort()).toEqual(['invite', 'invite', 'inviteRef', 'inviteRef']);
    await store.erasePerson('e8');
    expect((await scanAll()).filter((i) => JSON.stringify(i).includes('e8'))).toEqual([]);
  });

  it('refuses by name to record a rung on a check-in that is gone', async () => {
    await expect(checkIns.recordRung('gone', '2026-11-21', 'reminder', [])).rejects.toBeInstanceOf(
      CheckInMissingError,
    );
  });

  it("reads many elders' check-ins of one date in one batch, leaving out those without one", async () => {
    const prompt = (elderId: string, localDate: string) =>
      checkIns.createCheckIn({
        elderId,
        localDate,
        state: 'prompted',
        promptedAt: now.toISOString(),
        rungsDone: [],
        alerted: [],
      });
    await prompt('b1', '2026-11-21');
    await prompt('b2', '2026-11-21');
    await prompt('b3', '2026-11-20');
    await checkIns.recordRung('b2', '2026-11-21', 'relatives', ['r1']);
    counter.reset();
    const got = await checkIns.checkInsOn(['b1', 'b2', 'b3', 'b4', 'b1'], '2026-11-21');
    expect(counter.counts).toEqual({ BatchGetItemCommand: 1 });
    expect(got.map((c) => [c.elderId, c.rungsDone]).sort()).toEqual([
      ['b1', []],
      ['b2', ['relatives']],
    ]);
  });

  it('lists people of a role in a zone by status, and decides a volunteer once', async () => {
    const volunteer = person('v1', {
      role: 'volunteer',
      zoneId: 'sud',
      volunteer: {
        status: 'pending',
        radiusKm: 2,
        categories: ['shopping'],
        days: ['mon'],
        dayParts: ['morning'],
        languages: ['it'],
      },
    });
    await store.savePerson(volunteer, null);
    await store.savePerson(person('m1', { role: 'mediator', zoneId: 'sud' }), null);
    expect((await store.listPeople('sud', 'volunteer', 'pending')).map((p) => p.id)).toEqual(['v1']);
    expect((await store.listPeople('sud', 'mediator')).map((p) => p.id)).toEqual(['m1']);
    const decisions = await Promise.allSettled([
      store.decideVolunteer('v1', 'approved', 'm1', now),
      store.decideVolunteer('v1', 'rejected', 'm2', now),
    ]);
    expect(decisions.filter((d) => d.status === 'fulfilled')).toHaveLength(1);
    expect(decisions.find((d) => d.status === 'rejected')?.reason).toBeInstanceOf(AlreadyDecidedError);
    expect(await store.listPeople('sud', 'volunteer', 'pending')).toEqual([]);
  });

  it('two actors on one profile: the volunteer edits her radius while the mediator approves; both stay', async () => {
    const place = {
      zoneId: 'sud',
      neighbourhoodId: 'lamarmora',
      lat: 45.52,
      lon: 10.22,
      source: 'neighbourhood' as const,
    };
    const pending = person('v2', {
      role: 'volunteer',
      zoneId: 'sud',
      place,
      volunteer: {
        status: 'pending',
        radiusKm: 2,
        categories: ['shopping'],
        days: [],
        dayParts: [],
        languages: ['it'],
      },
    });
    await store.savePerson(pending, null);
    // Her turn read the profile; the mediator's approval lands; then her edit is written.
    const read = (await store.getPerson('v2'))!;
    const decided = await store.decideVolunteer('v2', 'approved', 'm1', now);
    await store.savePerson(decided, read);
    await store.savePerson({ ...read, volunteer: { ...read.volunteer!, radiusKm: 5 } }, read);
    const stored = await store.getPerson('v2');
    expect(stored?.volunteer).toMatchObject({ status: 'approved', decidedBy: 'm1', radiusKm: 5 });
    // Listed as approved, and in the geo index routing reads.
    expect((await store.listPeople('sud', 'volunteer', 'approved')).map((p) => p.id)).toContain('v2');
    const items = await scanAll();
    expect(items.find((i) => i.entity === 'person' && i.id === 'v2')).toHaveProperty('GSI3PK');

    // A change that moves her index keys, on a profile read before another such change: refused
    // by name (the turn runs again from fresh reads), never written with keys that would lie.
    const stale = { ...read, volunteer: { ...read.volunteer!, status: 'approved' as const } };
    await store.savePerson({ ...decided, volunteer: { ...decided.volunteer!, available: false } }, decided);
    await expect(
      store.savePerson({ ...stale, place: { ...place, lat: 45.53 } }, read),
    ).rejects.toBeInstanceOf(PersonChangedError);
    // A write that only removes an attribute (someone unreachable writes again).
    const away = { ...stored!, unreachableAt: now.toISOString() };
    await store.savePerson(away, stored!);
    await store.savePerson(stored!, away);
    expect((await store.getPerson('v2'))?.unreachableAt).toBeUndefined();
    // Nothing changed: no write at all.
    counter.reset();
    await store.savePerson(stored!, stored!);
    expect(counter.total()).toBe(0);
  });

  it('sets and removes one private detail without touching the other', async () => {
    await store.setPrivate('p1', 'address', 'Via Trieste 1');
    expect(await store.getPrivate('p1')).toEqual({ address: 'Via Trieste 1' });
    await store.savePrivate('p2', { address: 'Via Trieste 2', phone: '+393331234567' });
    await store.setPrivate('p2', 'address', 'Corso Zanardelli 3');
    expect(await store.getPrivate('p2')).toEqual({ address: 'Corso Zanardelli 3', phone: '+393331234567' });
    await store.setPrivate('p2', 'phone', undefined);
    expect(await store.getPrivate('p2')).toEqual({ address: 'Corso Zanardelli 3' });
  });

  it('confirms a pending link once', async () => {
    await store.putLink({ elderId: 'e9', relativeId: 'r9', status: 'pending', createdAt: now.toISOString() });
    await store.confirmLink('e9', 'r9', now);
    await expect(store.confirmLink('e9', 'r9', now)).rejects.toBeInstanceOf(LinkUnavailableError);
    expect((await store.listElders('r9'))[0]?.status).toBe('confirmed');
  });

  it('erases every item of a person, on both sides of their links, and their invites', async () => {
    await store.createPerson(person('e1', { role: 'elder' }), { channel: 'telegram', id: 'tg-e1' });
    await store.savePrivate('e1', { address: 'Via Musei 1', phone: '+393331234567' });
    await store.saveFlow('e1', { flow: 'edit', step: 'name', data: {} }, 0, now);
    await store.createPerson(person('r1', { role: 'relative' }), { channel: 'telegram', id: 'tg-r1' });
    await store.putLink({
      elderId: 'e1',
      relativeId: 'r1',
      status: 'confirmed',
      createdAt: now.toISOString(),
    });
    await store.createInvite({
      code: 'elderInv01',
      kind: 'relative',
      elderId: 'e1',
      createdAt: now.toISOString(),
      expiresAt: '2026-11-22T10:00:00Z',
    });

    const exported = await store.exportPerson('e1');
    expect(exported.map((i) => i.entity).sort()).toEqual([
      'flow',
      'identity',
      'invite',
      'inviteRef',
      'person',
      'private',
      'relativeLink',
    ]);

    await store.erasePerson('e1');
    const left = JSON.stringify(await scanAll());
    expect(left).not.toContain('e1');
    expect(left).not.toContain('Via Musei');
    expect(left).not.toContain('elderInv01');
    expect(await store.listRelatives('e1')).toEqual([]);
    expect(await store.listElders('r1')).toEqual([]);
    expect(await store.getPerson('r1')).not.toBeNull();
  });

  it('reads a person by channel in two calls', async () => {
    counter.reset();
    await store.findPersonByChannel({ channel: 'telegram', id: 'tg-p1' });
    expect(counter.total()).toBe(2);
  });
});

describe('DynamoCheckIns with fewer timer shards', () => {
  it("writes the ladder's rungs where a DynamoTimers of the same shards finds them", async () => {
    const { doc, tableName } = await testTable();
    const shards = 3;
    const timers = new DynamoTimers(doc, tableName, shards);
    const fewer = new DynamoCheckIns(doc, tableName, shards);
    const due = '2026-11-21T10:00:00.000Z';
    const prompt: Timer = {
      id: 'prompt.e1',
      kind: 'prompt',
      due,
      data: { elderId: 'e1', localDate: '2026-11-21' },
    };
    await timers.schedule([prompt]);
    const [claimed] = await timers.due(hourKey(now), shardOf(prompt.id, shards), now);
    const rungs: Timer[] = (['reminder', 'relatives', 'zoneMediator'] as const).map((rung) => ({
      id: `rung.e1.2026-11-21.${rung}`,
      kind: 'rung',
      due: '2026-11-21T11:30:00.000Z',
      data: { elderId: 'e1', localDate: '2026-11-21', rung },
    }));
    expect(
      await fewer.openWithPrompt({
        timer: claimed!,
        claimer: 'tick-1',
        now,
        leaseSeconds: 90,
        checkIn: {
          elderId: 'e1',
          localDate: '2026-11-21',
          state: 'prompted',
          promptedAt: due,
          rungsDone: [],
          alerted: [],
        },
        rungs,
      }),
    ).toBe('opened');
    const later = new Date('2026-11-21T11:30:00Z');
    const found = await Promise.all(
      Array.from({ length: shards }, (_, shard) => timers.due(hourKey(later), shard, later)),
    );
    expect(
      found
        .flat()
        .map((t) => t.id)
        .sort(),
    ).toEqual(rungs.map((t) => t.id).sort());
  });
});
