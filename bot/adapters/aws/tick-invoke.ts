import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { TickWork, TickWorkQueue } from '../../core/ports.js';

/** What the tick's hand-off needs of a Lambda client (tests pass one on a loopback fake). */
export interface LambdaInvokeClient {
  send(command: InvokeCommand): Promise<Pick<InvokeCommandOutput, 'StatusCode'>>;
}

/** Lambda did not take every group's work: the scheduled run fails, and its minute is handed out again. */
export class TickWorkRefusedError extends Error {
  override name = 'TickWorkRefusedError';
}

/**
 * The fanned-out tick's work handed to the tick-worker function by asynchronous
 * invocation (`InvocationType: 'Event'`): one Invoke per group of shards, all at
 * once. Lambda answers 202 once the event is in the function's own queue; from
 * there it runs the worker, and runs it again if it fails (the stack's
 * `retryAttempts`), then keeps the event in the on-failure queue. A group Lambda
 * did not take (throttled past the SDK's retries, refused, unreachable) makes
 * `hand` fail once every other group's call has ended: the groups taken run, the
 * run fails, the default cursor stays, and the next minute hands the rest out
 * again (the claims make a group that runs twice fire nothing twice).
 */
export class LambdaTickQueue implements TickWorkQueue {
  constructor(
    private readonly client: LambdaInvokeClient,
    private readonly functionName: string,
  ) {}

  async hand(work: TickWork[]): Promise<void> {
    const results = await Promise.allSettled(
      work.map(async (w) => {
        const { StatusCode } = await this.client.send(
          new InvokeCommand({
            FunctionName: this.functionName,
            InvocationType: 'Event',
            Payload: JSON.stringify(w),
          }),
        );
        if (StatusCode !== 202) throw new TickWorkRefusedError(`Lambda answered ${StatusCode}`);
      }),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (refused.length)
      throw new TickWorkRefusedError(
        `tick work: Lambda took ${work.length - refused.length} of ${work.length}`,
        {
          cause: refused[0],
        },
      );
  }
}
