import type { Invite } from '../../domain/invite.js';
import { findZone, type Network } from '../../domain/network.js';
import type { ChannelRef } from '../../domain/person.js';
import type { Clock, Ids, Store } from '../../core/ports.js';

export class UnknownZoneError extends Error {
  override name = 'UnknownZoneError';
  constructor(zoneId: string, network: Network) {
    super(`unknown zone "${zoneId}"; zones of ${network.id}: ${network.zones.map((z) => z.id).join(', ')}`);
  }
}

/** Creates a single-use mediator invite for a zone, valid for `hours` (network default when absent). */
export async function createMediatorInvite(
  deps: { store: Store; clock: Clock; ids: Ids; network: Network },
  zoneId: string,
  hours = deps.network.invites.mediatorHours,
): Promise<Invite> {
  if (!findZone(deps.network, zoneId)) throw new UnknownZoneError(zoneId, deps.network);
  const now = deps.clock.now();
  const invite: Invite = {
    code: deps.ids.inviteCode(),
    kind: 'mediator',
    zoneId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + hours * 3600_000).toISOString(),
  };
  await deps.store.createInvite(invite);
  return invite;
}

export class NotAMediatorError extends Error {
  override name = 'NotAMediatorError';
  constructor(ref: ChannelRef) {
    super(`nobody onboarded as a mediator is reached at ${ref.channel} ${ref.id}`);
  }
}

/**
 * Makes a mediator the network's admin, or no longer (`on` false): a flag on the person,
 * written alone. Only an onboarded mediator can be one; asking twice changes nothing.
 * Returns the mediator's zone.
 */
export async function setNetworkAdmin(
  deps: { store: Store },
  ref: ChannelRef,
  on: boolean,
): Promise<{ zoneId: string; changed: boolean }> {
  const person = await deps.store.findPersonByChannel(ref);
  if (!person?.onboardedAt || person.role !== 'mediator' || !person.zoneId) throw new NotAMediatorError(ref);
  const changed = !!person.networkAdmin !== on;
  if (changed) {
    const { networkAdmin: _was, ...rest } = person;
    await deps.store.savePerson(on ? { ...rest, networkAdmin: true } : rest, person);
  }
  return { zoneId: person.zoneId, changed };
}
