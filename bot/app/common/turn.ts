import type { Person } from '../../domain/person.js';
import type { Draft, Hints } from '../../flows/draft.js';
import type { Reply } from '../../flows/types.js';
import type { CheckIn } from '../../domain/alert.js';
import type { FlowState, RequestRead, TurnKey, TurnWrite } from '../../core/ports.js';
import { answerEvent } from './figure-events.js';
import { decorate } from './decorate.js';
import type { OutboundMessage } from '../../core/outbound.js';
import type { AppDeps } from './deps.js';
import { messagesTo } from './notify.js';

/**
 * The request read with the turn, and its elder's details, come from the reads: an accept
 * decides with no call of its own. Any other request, or elder, goes to the store.
 */
function requestsFromReads(inner: AppDeps['requests'], read: RequestRead): AppDeps['requests'] {
  const { request } = read;
  return decorate<AppDeps['requests'], AppDeps['requests']>(inner, {
    // Read as missing is missing: a forged or old id costs no second look.
    getRequest: (id) => (id === read.id ? Promise.resolve(request) : inner.getRequest(id)),
    elderDetails: (elderId, followerIds = []) =>
      request?.elderId === elderId && followerIds.every((f) => request.followers.includes(f))
        ? Promise.resolve({
            elder: read.elder,
            details: read.details,
            followers: read.followers.filter((f) => followerIds.includes(f.id)),
          })
        : inner.elderDetails(elderId, followerIds),
  });
}

export type FlowName = 'onboarding' | 'edit' | 'forget' | 'request' | 'broadcast';

/**
 * One inbound message being handled: the person, their conversation state, the
 * replies so far and every message for anyone else. Nothing reaches a person
 * during the turn: `deps.outbox` and `deps.messenger` here only collect (into
 * `outbound`), and the dispatcher commits the turn record and the flow state in
 * one transaction before anything is sent. Use cases keep calling
 * `turn.deps.outbox.enqueue(...)`; message ids must be deterministic for the
 * effect (see notify.ts), so a re-run after a fault produces the same ones.
 */
export class Turn {
  readonly replies: Reply[] = [];
  /** Messages to others (and tracked edits), sent only after the commit. */
  readonly outbound: OutboundMessage[] = [];
  /** What the use cases changed, written in the turn's one commit. */
  readonly writes: TurnWrite[] = [];
  readonly now: Date;
  /** The ports, with the outbox and the messenger collecting into this turn. */
  readonly deps: AppDeps;
  private flowChanged = false;
  private readonly readVersion: number;
  /** Set after erasure: nothing of this person may be written again. */
  erased = false;

  constructor(
    deps: AppDeps,
    public person: Person,
    private state: FlowState | null,
    readonly hints: Hints,
    /** Names this turn in message ids (e.g. `telegram.<update id>`); unique per update. */
    readonly key = `${person.id}.${state?.version ?? 0}`,
    /** The presser's check-ins read with the turn (today's and yesterday's, local time). */
    readCheckIns?: CheckIn[],
    /** The update this turn answers, when it runs under `runTurn` (its commit is the turn record's). */
    readonly turnKey?: TurnKey,
    /** The request the press names, with its elder, read with the turn (Accept). */
    readRequest?: RequestRead,
  ) {
    this.now = deps.clock.now();
    this.readVersion = state?.version ?? 0;
    const outbound = this.outbound;
    let notices = 0;
    this.deps = {
      ...deps,
      outbox: {
        enqueue: async (messages) => {
          outbound.push(...messages);
        },
      },
      messenger: {
        send: async (to, replies) => {
          outbound.push(...messagesTo(to, `turn.${key}.n${++notices}`, replies));
        },
      },
      checkIns: readCheckIns ? this.checkInsFromReads(deps, readCheckIns) : deps.checkIns,
      requests: readRequest ? requestsFromReads(deps.requests, readRequest) : deps.requests,
    };
  }

  /**
   * The presser's own check-ins come from the turn's reads, and closing one is a write of the
   * commit (with its figures), conditioned on it being still open: an elder's answer makes no
   * call of its own. Anyone else's, or an older one, goes to the store as before.
   */
  private checkInsFromReads(deps: AppDeps, read: CheckIn[]): AppDeps['checkIns'] {
    const inner = deps.checkIns;
    const mine = new Map(read.filter((c) => c.elderId === this.person.id).map((c) => [c.localDate, c]));
    const newest = () => [...mine.values()].sort((a, b) => b.localDate.localeCompare(a.localDate))[0];
    const writes = this.writes;
    const network = deps.network;
    return decorate<AppDeps['checkIns'], AppDeps['checkIns']>(inner, {
      getCheckIn: (elderId, localDate) =>
        elderId === this.person.id && mine.has(localDate)
          ? Promise.resolve(mine.get(localDate)!)
          : inner.getCheckIn(elderId, localDate),
      // Today's is the newest there can be; with neither today's nor yesterday's, an older one is looked up.
      latestCheckIn: (elderId) =>
        elderId === this.person.id && newest() ? Promise.resolve(newest()!) : inner.latestCheckIn(elderId),
      closeCheckIn: async (elderId, localDate, state, by, at) => {
        const open = elderId === this.person.id ? mine.get(localDate) : undefined;
        if (!open) return inner.closeCheckIn(elderId, localDate, state, by, at);
        if (open.state !== 'prompted') return null;
        const closed: CheckIn = { ...open, state, answeredBy: by, answeredAt: at.toISOString() };
        mine.set(localDate, closed);
        writes.push({ kind: 'closeCheckIn', elderId, localDate, state, by, at });
        const event = answerEvent(closed, by, at, network);
        if (event) writes.push({ kind: 'count', event });
        return closed;
      },
    });
  }

  get flow(): FlowName | null {
    return (this.state?.flow || null) as FlowName | null;
  }

  get step(): string {
    return this.state?.step ?? '';
  }

  get draft(): Draft {
    return (this.state?.data ?? {}) as Draft;
  }

  /** The flow version this turn read (0 when there was none): request ids derive from it. */
  get version(): number {
    return this.readVersion;
  }

  setFlow(flow: FlowName, step: string, draft: Draft): void {
    this.state = { flow, step, data: draft as Record<string, unknown>, version: this.readVersion };
    this.flowChanged = true;
  }

  endFlow(): void {
    if (!this.state?.flow) return;
    this.state = { flow: '', step: '', data: {}, version: this.readVersion };
    this.flowChanged = true;
  }

  say(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  /** A change made in the turn's one commit, on its condition (a failed one runs the turn again). */
  write(write: TurnWrite): void {
    this.writes.push(write);
  }

  /** Writes what the turn changed in the presser's profile since it was read (see `Store.savePerson`). */
  async savePerson(person: Person): Promise<void> {
    const read = this.person;
    this.person = person;
    await this.deps.store.savePerson(person, read);
  }

  /** The flow write of the commit: only when the turn moved it (and did not erase the person). */
  flowWrite(): { state: Omit<FlowState, 'version'> | null; readVersion: number } | undefined {
    if (!this.flowChanged || this.erased || !this.state) return undefined;
    const { version: _v, ...rest } = this.state;
    return { state: rest.flow ? rest : null, readVersion: this.readVersion };
  }
}
