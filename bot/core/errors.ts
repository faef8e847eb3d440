/**
 * Named errors raised at the adapter boundary; the edge maps each one. Every
 * failed condition of a store write becomes one of these, never the SDK's exception.
 * Each names itself (`name`), so a log line names the error in a minified bundle too.
 */
export abstract class StoreError extends Error {
  constructor(message: string) {
    super(message);
  }
}

/** The base of an error whose message never varies. */
function fixed(message: string) {
  return class extends StoreError {
    constructor() {
      super(message);
    }
  };
}

export class FlowConflictError extends StoreError {
  override name = 'FlowConflictError';
  constructor(personId: string) {
    super(`flow state of ${personId} changed concurrently`);
  }
}

/** A write left to the turn's commit found its item changed meanwhile: the turn runs again from fresh reads. */
export class TurnWriteConflictError extends StoreError {
  override name = 'TurnWriteConflictError';
  constructor(what: string) {
    super(`${what} changed concurrently`);
  }
}

/** A person's profile changed meanwhile in what their index keys derive from (role, zone, place, status, availability). */
export class PersonChangedError extends StoreError {
  override name = 'PersonChangedError';
  constructor(personId: string) {
    super(`profile of ${personId} changed concurrently`);
  }
}

export class IdentityTakenError extends fixed('channel identity already belongs to a person') {
  override name = 'IdentityTakenError';
}

/** A new invite drew a code that an invite already has. */
export class InviteCodeTakenError extends fixed('an invite with this code exists') {
  override name = 'InviteCodeTakenError';
}

export class InviteUnavailableError extends fixed('invite unknown, used or expired') {
  override name = 'InviteUnavailableError';
}

export class AlreadyDecidedError extends fixed('the volunteer was already approved or rejected') {
  override name = 'AlreadyDecidedError';
}

export class LinkUnavailableError extends fixed('relative link missing or already decided') {
  override name = 'LinkUnavailableError';
}

/** A rung was recorded on a check-in that is gone (erased with its elder meanwhile). */
export class CheckInMissingError extends fixed('the check-in to record a rung on is gone') {
  override name = 'CheckInMissingError';
}

export class RequestChangedError extends StoreError {
  override name = 'RequestChangedError';
  constructor(requestId: string) {
    super(`request ${requestId} is not in the state this action needs`);
  }
}

/** A turn for this update was committed already (a redelivery, or the same update twice at once). */
export class TurnRecordedError extends StoreError {
  override name = 'TurnRecordedError';
  constructor(updateKey: string) {
    super(`update ${updateKey} was already handled`);
  }
}

/** A delivery claim lost to another sender (its lease ran out and the message moved on). */
export class DeliveryLeaseLostError extends StoreError {
  override name = 'DeliveryLeaseLostError';
  constructor(readonly messageId: string) {
    super('delivery claim lost');
  }
}
