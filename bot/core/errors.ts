/** Named errors raised at the adapter boundary; the edge maps each one. */
export class FlowConflictError extends Error {
  override name = 'FlowConflictError';
  constructor(personId: string) {
    super(`flow state of ${personId} changed concurrently`);
  }
}

export class IdentityTakenError extends Error {
  override name = 'IdentityTakenError';
  constructor() {
    super('channel identity already belongs to a person');
  }
}

export class InviteUnavailableError extends Error {
  override name = 'InviteUnavailableError';
  constructor() {
    super('invite unknown, used or expired');
  }
}

export class AlreadyDecidedError extends Error {
  override name = 'AlreadyDecidedError';
  constructor() {
    super('the volunteer was already approved or rejected');
  }
}

export class LinkUnavailableError extends Error {
  override name = 'LinkUnavailableError';
  constructor() {
    super('relative link missing or already decided');
  }
}

export class OfferTakenError extends Error {
  override name = 'OfferTakenError';
  constructor(requestId: string) {
    super(`request ${requestId} is no longer open to this volunteer`);
  }
}

export class RequestChangedError extends Error {
  override name = 'RequestChangedError';
  constructor(requestId: string) {
    super(`request ${requestId} is not in the state this action needs`);
  }
}

/** A turn for this update was committed already (a redelivery, or the same update twice at once). */
export class TurnRecordedError extends Error {
  override name = 'TurnRecordedError';
  constructor(updateKey: string) {
    super(`update ${updateKey} was already handled`);
  }
}
