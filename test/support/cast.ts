import { expect } from 'vitest';
import type { DynamoStore } from '../../bot/adapters/store/dynamo-store.js';
import type { Person as Profile } from '../../bot/domain/person.js';
import { ui, type Lang } from './labels.js';
import type { ChatUser } from './world.js';

/**
 * One script per role: each plays the chat as that person would, pressing the labels they see, on
 * Telegram or WhatsApp alike, and returns the person for the steps that follow. The onboarding
 * scripts speak any language of labels.ts (Italian unless told); the later ones speak Italian.
 */

type Label = string | RegExp;

/** What the scripts need of a world. Generic, so a Telegram world's scripts return its own users. */
export interface Stage<U extends ChatUser> {
  user(name: string, lang?: string): U;
  mediatorInvite(zoneId: string): Promise<string>;
  personOf(user: ChatUser): Promise<Profile | null>;
  readonly store: DynamoStore;
  readonly clock: { now(): Date };
}

/** A phone as a person gives it: their contact card, typed, WhatsApp's "use this number", or skipped. */
export type PhoneAnswer = { share: string } | { type: string } | 'this number' | 'skip';

async function answerPhone(p: ChatUser, phone: PhoneAnswer, lang: Lang): Promise<void> {
  if (phone === 'skip') await p.press(ui[lang].skip);
  else if (phone === 'this number') await p.press('📞 Usa questo numero');
  else if ('share' in phone) await p.shareContact(phone.share);
  else await p.send(phone.type);
}

/** A mediator joins their zone through the invite the admin CLI makes. */
export async function onboardMediator<U extends ChatUser>(
  world: Stage<U>,
  name: string,
  zone: string,
  answers: { lang?: Lang; phone?: PhoneAnswer } = {},
): Promise<U> {
  const lang = answers.lang ?? 'it';
  const m = world.user(name, lang);
  await m.send(`/start ${await world.mediatorInvite(zone)}`);
  await m.press(ui[lang].language);
  await m.press(new RegExp(name));
  await answerPhone(m, answers.phone ?? 'skip', lang);
  await m.press(ui[lang].agree);
  return m;
}

export interface ElderAnswers {
  /** Maria unless told. */
  name?: string;
  /** The language chosen in the chat. */
  lang?: Lang;
  /** The language the person's Telegram app reports, when it is not the one they choose. */
  deviceLang?: string;
  zone?: Label;
  /** Mompiano unless told. */
  hood?: Label;
  /** Typed; skipped when absent. */
  address?: string;
  /** Her contact card with +39 333 765 4321 unless told. */
  phone?: PhoneAnswer;
  /** The daily question's time; none unless told. */
  time?: Label;
}

/** An elder onboards herself with the buttons, from /start to consent. */
export async function onboardElder<U extends ChatUser>(
  world: Stage<U>,
  answers: ElderAnswers = {},
): Promise<U> {
  const name = answers.name ?? 'Maria';
  const lang = answers.lang ?? 'it';
  const t = ui[lang];
  const e = world.user(name, answers.deviceLang ?? lang);
  await e.send('/start');
  await e.press(t.language);
  await e.press(t.elder);
  await e.press(new RegExp(name));
  await e.press(answers.zone ?? t.zoneNord);
  await e.press(answers.hood ?? 'Mompiano');
  if (answers.address) await e.send(answers.address);
  else await e.press(t.skip);
  await answerPhone(e, answers.phone ?? { share: '+39 333 765 4321' }, lang);
  await e.press(answers.time ?? 'Non voglio la domanda quotidiana');
  await e.press(t.agree);
  return e;
}

/** The elder taps "invite a family member": the start payload of the link she would forward. */
export async function inviteRelative(elder: ChatUser, lang: Lang = 'it'): Promise<string> {
  await elder.press(ui[lang].invite);
  const payload = /start(?:=|%20)(r\w+)/.exec(elder.lastText())?.[1];
  expect(payload).toBeDefined();
  return payload!;
}

export interface RelativeAnswers {
  /** Luca unless told. */
  name?: string;
  lang?: Lang;
  /** A name typed instead of the one offered from their profile. */
  typedName?: string;
  /** Skipped unless told. */
  phone?: PhoneAnswer;
}

/** Someone opens the elder's invite link and answers as her relative, up to the consent (not yet given). */
export async function startAsRelative<U extends ChatUser>(
  world: Stage<U>,
  payload: string,
  answers: RelativeAnswers = {},
): Promise<U> {
  const name = answers.name ?? 'Luca';
  const lang = answers.lang ?? 'it';
  const r = world.user(name, lang);
  await r.send(`/start ${payload}`);
  await r.press(ui[lang].language);
  if (answers.typedName) await r.send(answers.typedName);
  else await r.press(new RegExp(name));
  await answerPhone(r, answers.phone ?? 'skip', lang);
  return r;
}

/** Someone opens the elder's invite link and onboards as her relative; she has yet to confirm. */
export async function joinAsRelative<U extends ChatUser>(
  world: Stage<U>,
  payload: string,
  answers: RelativeAnswers = {},
): Promise<U> {
  const r = await startAsRelative(world, payload, answers);
  await r.press(ui[answers.lang ?? 'it'].agree);
  return r;
}

/** The elder invites, the relative joins, the elder says "yes, family": a confirmed relative. */
export async function linkRelative<U extends ChatUser>(
  world: Stage<U>,
  elder: ChatUser,
  answers: RelativeAnswers = {},
): Promise<U> {
  const relative = await joinAsRelative(world, await inviteRelative(elder, answers.lang), answers);
  await elder.press(ui[answers.lang ?? 'it'].confirmLink);
  return relative;
}

export interface VolunteerAnswers {
  lang?: Lang;
  zone?: Label;
  /** 5 km unless told. */
  radius?: Label;
  /** The tasks ticked (full labels, box included): pharmacy and shopping unless told. */
  tasks?: Label[];
  /** Every day unless told. */
  days?: Label;
  /** The parts of the day ticked: all three unless told. */
  parts?: Label[];
  /** The languages ticked: Italian unless told. */
  speaks?: Label[];
  /** Skipped unless told. */
  phone?: PhoneAnswer;
  /** The mediator who presses Approve on the card; without one the volunteer stays pending. */
  approvedBy?: ChatUser;
}

/** A volunteer signs up with the buttons, from /start to consent (and the mediator's approval, if given). */
export async function onboardVolunteer<U extends ChatUser>(
  world: Stage<U>,
  name: string,
  hood: Label,
  answers: VolunteerAnswers = {},
): Promise<U> {
  const v = await startAsVolunteer(world, name, hood, answers);
  await v.press(ui[answers.lang ?? 'it'].agree);
  if (answers.approvedBy) await answers.approvedBy.press(ui[answers.lang ?? 'it'].approve);
  return v;
}

/** A volunteer answers every question of signing up but the consent (not yet given). */
export async function startAsVolunteer<U extends ChatUser>(
  world: Stage<U>,
  name: string,
  hood: Label,
  answers: VolunteerAnswers = {},
): Promise<U> {
  const lang = answers.lang ?? 'it';
  const t = ui[lang];
  const v = world.user(name, lang);
  await v.send('/start');
  await v.press(t.language);
  await v.press(t.volunteer);
  await v.press(new RegExp(name));
  await v.press(answers.zone ?? t.zoneNord);
  await v.press(hood);
  await v.press(answers.radius ?? '5 km');
  for (const task of answers.tasks ?? ['⬜ Farmacia', '⬜ Spesa']) await v.press(task);
  await v.press(t.done);
  await v.press(answers.days ?? 'Tutti i giorni');
  for (const part of answers.parts ?? ['⬜ Mattina', '⬜ Pomeriggio', '⬜ Sera']) await v.press(part);
  await v.press(t.done);
  for (const spoken of answers.speaks ?? ['⬜ Italiano']) await v.press(spoken);
  await v.press(t.done);
  await answerPhone(v, answers.phone ?? 'skip', lang);
  return v;
}

/** Approves a volunteer as their zone's mediator would, for a scenario with no mediator there. */
export async function approveInStore(world: Stage<ChatUser>, volunteer: ChatUser): Promise<void> {
  const id = (await world.personOf(volunteer))!.id;
  await world.store.savePerson(
    await world.store.decideVolunteer(id, 'approved', 'test', world.clock.now()),
    null,
  );
}

export interface RequestAnswers {
  /** Farmacia unless told. */
  category?: Label;
  /** Oggi unless told. */
  when?: Label;
  /** Typed; skipped when absent. */
  note?: string;
  /** Opened with /request, as a relative does, instead of the elder's keyboard button. */
  byCommand?: boolean;
}

/** Answers every question of a help request but the last ("is it urgent?"). */
export async function draftRequest(asker: ChatUser, answers: RequestAnswers = {}): Promise<void> {
  if (answers.byCommand) await asker.send('/request');
  else await asker.press('🙋 Chiedi un volontario');
  await asker.press(answers.category ?? 'Farmacia');
  await asker.press(answers.when ?? 'Oggi');
  if (answers.note) await asker.send(answers.note);
  else await asker.press('Salta');
}

/** Asks for a volunteer, not urgently: a pharmacy run today unless told. */
export async function askForHelp(asker: ChatUser, answers: RequestAnswers = {}): Promise<void> {
  await draftRequest(asker, answers);
  await asker.press('No');
}

/** /forget, confirmed twice: everything of the person is erased. */
export async function forget(p: ChatUser): Promise<void> {
  await p.send('/forget');
  await p.press('Sì, cancella');
  await p.press('🗑️ Cancella tutto');
}
