import type { Person } from '../../domain/person.js';
import type { Draft, Hints } from '../../flows/draft.js';
import type { Reply } from '../../flows/types.js';
import type { FlowState } from '../../core/ports.js';
import type { AppDeps } from './deps.js';

export type FlowName = 'onboarding' | 'edit' | 'forget' | 'request';

/**
 * One inbound message being handled: the person, their conversation state and
 * the replies so far. The state is written once, at the end, with the version
 * it was read at.
 */
export class Turn {
  readonly replies: Reply[] = [];
  readonly now: Date;
  private flowChanged = false;
  /** Set after erasure: nothing of this person may be written again. */
  erased = false;

  constructor(
    readonly deps: AppDeps,
    public person: Person,
    private state: FlowState | null,
    readonly hints: Hints,
  ) {
    this.now = deps.clock.now();
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

  setFlow(flow: FlowName, step: string, draft: Draft): void {
    this.state = { flow, step, data: draft as Record<string, unknown>, version: this.state?.version ?? 0 };
    this.flowChanged = true;
  }

  endFlow(): void {
    if (!this.state?.flow) return;
    this.state = { flow: '', step: '', data: {}, version: this.state.version };
    this.flowChanged = true;
  }

  say(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  async savePerson(person: Person): Promise<void> {
    this.person = person;
    await this.deps.store.savePerson(person);
  }

  /** Writes the conversation state if it changed; FlowConflictError if someone else moved it. */
  async commit(): Promise<void> {
    if (!this.flowChanged || this.erased || !this.state) return;
    const { version, ...rest } = this.state;
    await this.deps.store.saveFlow(this.person.id, rest.flow ? rest : null, version, this.now);
  }
}
