import type { Person } from '../../domain/person.js';
import type { Draft, Hints } from '../../flows/draft.js';
import type { Reply } from '../../flows/types.js';
import type { FlowState } from '../../core/ports.js';
import type { OutboundMessage } from '../../core/outbound.js';
import type { AppDeps } from './deps.js';
import { messagesTo } from './notify.js';

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
    };
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
