export const inviteKinds = ['mediator', 'relative'] as const;
export type InviteKind = (typeof inviteKinds)[number];

/** A single-use, expiring code carried in a deep link (`/start m<code>` or `/start r<code>`). */
export interface Invite {
  code: string;
  kind: InviteKind;
  createdAt: string;
  expiresAt: string;
  /** Mediator invites: the zone the mediator will serve. */
  zoneId?: string;
  /** Relative invites: the elder who created it. */
  elderId?: string;
  usedAt?: string;
}

const prefix: Record<InviteKind, string> = { mediator: 'm', relative: 'r' };

/** The deep-link payload for an invite: one letter for the kind, then the code. */
export function invitePayload(invite: Pick<Invite, 'kind' | 'code'>): string {
  return `${prefix[invite.kind]}${invite.code}`;
}

/** Reads a deep-link payload back; null when it is not an invite payload. */
export function parseInvitePayload(payload: string): { kind: InviteKind; code: string } | null {
  const match = /^([mr])([A-Za-z0-9]{8,32})$/.exec(payload.trim());
  if (!match) return null;
  return { kind: match[1] === 'm' ? 'mediator' : 'relative', code: match[2]! };
}

export function inviteUsable(invite: Invite, kind: InviteKind, now: Date): boolean {
  return invite.kind === kind && !invite.usedAt && Date.parse(invite.expiresAt) > now.getTime();
}
