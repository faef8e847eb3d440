import type { ChannelRef, Role } from '../../domain/person.js';

/**
 * Pure key builders for the one table. Every item carries an `entity` tag;
 * ARCHITECTURE.md lists them. Personal items live in the person's partition
 * (`P#<id>`) so that export and erasure are one query.
 */
export type Key = { PK: string; SK: string };

export const entity = {
  person: 'person',
  private: 'private',
  flow: 'flow',
  identity: 'identity',
  invite: 'invite',
  inviteRef: 'inviteRef',
  inviteOnce: 'inviteOnce',
  relativeLink: 'relativeLink',
  elderLink: 'elderLink',
  processed: 'processed',
  timer: 'timer',
  request: 'request',
  requestRef: 'requestRef',
  taskRef: 'taskRef',
  tickCursor: 'tickCursor',
  checkIn: 'checkIn',
  alert: 'alert',
  held: 'held',
  quietRef: 'quietRef',
  turn: 'turn',
  broadcast: 'broadcast',
  figures: 'figures',
  figureMark: 'figureMark',
} as const;

export const personPk = (personId: string): string => `P#${personId}`;

export const keys = {
  /** A week's counters of a zone (or `*`, the whole network), or its people by role (`PEOPLE`). */
  figures: (area: string, week: string): Key => ({
    PK: `FIG#${area}`,
    SK: week === 'people' ? 'PEOPLE' : `WEEK#${week}`,
  }),
  /** An event already counted, by a hash of its id (which may name a person). */
  figureMark: (hash: string): Key => ({ PK: `FIGMARK#${hash}`, SK: 'FIGMARK' }),
  person: (personId: string): Key => ({ PK: personPk(personId), SK: 'PROFILE' }),
  private: (personId: string): Key => ({ PK: personPk(personId), SK: 'PRIVATE' }),
  flow: (personId: string): Key => ({ PK: personPk(personId), SK: 'FLOW' }),
  identity: (ref: ChannelRef): Key => ({ PK: `CH#${ref.channel}#${ref.id}`, SK: 'CH' }),
  invite: (code: string): Key => ({ PK: `INV#${code}`, SK: 'INV' }),
  /** The elder's pointer to an invite they created, so erasure finds it. */
  inviteRef: (elderId: string, code: string): Key => ({ PK: personPk(elderId), SK: `INV#${code}` }),
  /** Which invite an update made: with the elder's items (erased with them), or alone for a mediator invite. */
  inviteOnce: (elderId: string | undefined, update: string): Key =>
    elderId ? { PK: personPk(elderId), SK: `INVONCE#${update}` } : { PK: `INVONCE#${update}`, SK: 'INVONCE' },
  /** Held in the elder's partition: one per relative. */
  relativeLink: (elderId: string, relativeId: string): Key => ({
    PK: personPk(elderId),
    SK: `REL#${relativeId}`,
  }),
  /** Mirror in the relative's partition: one per elder followed. */
  elderLink: (relativeId: string, elderId: string): Key => ({
    PK: personPk(relativeId),
    SK: `ELDER#${elderId}`,
  }),
  processed: (channel: string, updateId: string): Key => ({ PK: `UPD#${channel}#${updateId}`, SK: 'UPD' }),
  /** A committed turn, in the presser's partition (erased with them): what it sent. */
  turn: (personId: string, channel: string, updateId: string): Key => ({
    PK: personPk(personId),
    SK: `TURN#${channel}#${updateId}`,
  }),
  timer: (timerId: string): Key => ({ PK: `TMR#${timerId}`, SK: 'TMR' }),
  /** The tick's cursor; one per group of shards when the tick fans out. */
  tickCursor: (group?: string): Key => ({ PK: 'TICK', SK: group ? `CURSOR#${group}` : 'CURSOR' }),
  /** In the elder's partition: erased with the elder. */
  checkIn: (elderId: string, localDate: string): Key => ({ PK: personPk(elderId), SK: `CHK#${localDate}` }),
  alert: (alertId: string): Key => ({ PK: `ALERT#${alertId}`, SK: 'ALERT' }),
  request: (requestId: string): Key => ({ PK: `REQ#${requestId}`, SK: 'REQ' }),
  /** The elder's pointer to a request about them: listing and erasure. */
  requestRef: (elderId: string, requestId: string): Key => ({
    PK: personPk(elderId),
    SK: `REQ#${requestId}`,
  }),
  /** The volunteer's pointer to a request they were offered or assigned: erasure and /mydata find it. */
  taskRef: (volunteerId: string, requestId: string): Key => ({
    PK: personPk(volunteerId),
    SK: `TASK#${requestId}`,
  }),
  /** Pointer in the person's partition to an alert about them, so erasure finds it. */
  alertRef: (personId: string, alertId: string): Key => ({ PK: personPk(personId), SK: `ALERT#${alertId}` }),
  /** A mediator's broadcast, in her partition: erased with her, in her /mydata. */
  broadcast: (mediatorId: string, broadcastId: string): Key => ({
    PK: personPk(mediatorId),
    SK: `BCAST#${broadcastId}`,
  }),
  /** A WhatsApp message held until its person writes again (outside the 24-hour window), oldest first. */
  held: (personId: string, heldAt: string, messageHash: string): Key => ({
    PK: personPk(personId),
    SK: `HELD#${heldAt}#${messageHash}`,
  }),
  /** In the recipient's partition: a notice waiting out quiet hours (its timer), found and erased with them. */
  quietRef: (personId: string, timerId: string): Key => ({ PK: personPk(personId), SK: `QUIET#${timerId}` }),
};

/** GSI2: timers by UTC hour bucket ('YYYYMMDDHH') and shard, sorted by due instant. */
export const byDue = {
  bucket: (hour: string, shard: number): string => `DUE#${hour}#${shard}`,
  sort: (dueIso: string, timerId: string): string => `${dueIso}#${timerId}`,
  /** Sorts after every timer due at or before `at`. */
  upTo: (at: Date): string => `${at.toISOString()}~`,
};

/** GSI1 for alerts: a zone's alerts by state and age. */
export const alertList = {
  zone: (zoneId: string): string => `ZONE#${zoneId}#alerts`,
  sort: (state: string, createdAt: string, alertId: string): string => `${state}#${createdAt}#${alertId}`,
};

export const skPrefix = {
  relative: 'REL#',
  elder: 'ELDER#',
  inviteRef: 'INV#',
  checkIn: 'CHK#',
  alertRef: 'ALERT#',
  requestRef: 'REQ#',
  taskRef: 'TASK#',
  held: 'HELD#',
  quietRef: 'QUIET#',
} as const;

/**
 * GSI3: approved, available volunteers by precision-5 geohash cell, sorted by precision-9 geohash
 * (sparse: others carry no GSI3 keys). Until 2026-12 the partition was the precision-6 cell;
 * `npm run db:init` re-keys such items (rekey-cells.ts).
 */
export const byCell = {
  cell: (cell: string): string => `CELL#${cell}`,
  sort: (geohash: string, personId: string): string => `${geohash}#${personId}`,
};

/** GSI1 for requests: a zone's requests by state and age. */
export const requestList = {
  zone: (zoneId: string): string => `ZONE#${zoneId}#requests`,
  sort: (state: string, createdAt: string, requestId: string): string => `${state}#${createdAt}#${requestId}`,
};

/** GSI1: people of a role in a zone, sorted by status then id. */
export const byList = {
  zoneRole: (zoneId: string, role: Role): string => `ZONE#${zoneId}#${role}`,
  status: (status: string, personId: string): string => `${status}#${personId}`,
};

/** Reads the id back from a relative or elder link sort key. */
export function idFromLinkSk(sk: string): string {
  return sk.slice(sk.indexOf('#') + 1);
}
