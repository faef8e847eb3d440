import { createHash } from 'node:crypto';
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import type { Param, Params, Reply } from '../../flows/types.js';
import type { OutboundMessage, Outbox } from '../../core/outbound.js';
import { exponentialBackoff, type Backoff } from '../../core/backoff.js';

/** What the outbox needs of an SQS client (tests pass a fake). */
export interface SqsSender {
  send(command: SendMessageBatchCommand): Promise<Pick<SendMessageBatchCommandOutput, 'Failed'>>;
}

/** SQS's limits: entries per SendMessageBatch, and bytes per message and per call. */
export const sqsLimits = { batchEntries: 10, messageBytes: 256 * 1024 } as const;

export class OutboundTooLargeError extends Error {
  override name = 'OutboundTooLargeError';
  constructor(
    readonly messageId: string,
    readonly bytes: number,
  ) {
    super(`Outbound message ${messageId} is ${bytes} bytes; SQS takes at most ${sqsLimits.messageBytes}`);
  }
}

export class OutboxSendError extends Error {
  override name = 'OutboxSendError';
  constructor(
    readonly messageIds: string[],
    readonly codes: string[],
  ) {
    super(`SQS refused ${messageIds.length} outbound message(s): ${[...new Set(codes)].join(', ')}`);
  }
}

export interface SqsOutboxOptions {
  /** Rounds of SendMessageBatch for entries SQS failed on its side; default 4. */
  maxAttempts?: number;
  /** Wait before round n (from 1); default 100 ms · 2^(n-1), at most 5 s. */
  backoffMs?: Backoff;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The Outbox on AWS: each message becomes one SQS message (JSON), sent in
 * batches of at most 10 and 256 KB. On a FIFO queue the chat is the message
 * group (one chat's messages stay in order) and a hash of the message id is
 * the deduplication id (an effect enqueued twice within five minutes is one
 * message). Entries SQS fails on its side are sent again; when `enqueue`
 * resolves, every message is in the queue.
 */
export class SqsOutbox implements Outbox {
  private readonly fifo: boolean;
  private readonly maxAttempts: number;
  private readonly backoffMs: Backoff;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SqsSender,
    private readonly queueUrl: string,
    options: SqsOutboxOptions = {},
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
    this.maxAttempts = options.maxAttempts ?? 4;
    this.backoffMs = options.backoffMs ?? exponentialBackoff(100, 5000);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async enqueue(messages: OutboundMessage[]): Promise<void> {
    const entries = messages.map((m) => this.entry(m));
    for (const batch of batches(entries)) await this.sendBatch(batch);
  }

  /** Nothing waits in this process: the queue's consumer sends. */
  async drain(): Promise<void> {}

  private entry(message: OutboundMessage): {
    entry: SendMessageBatchRequestEntry;
    id: string;
    bytes: number;
  } {
    // A claim made for this process's first try is not the queue's consumer's.
    const { claimed: _claimed, ...queued } = message;
    const body = JSON.stringify(queued);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > sqsLimits.messageBytes) throw new OutboundTooLargeError(message.id, bytes);
    const entry: SendMessageBatchRequestEntry = { Id: 'm', MessageBody: body };
    if (this.fifo) {
      entry.MessageGroupId = `${message.to.channel}:${message.to.id}`;
      entry.MessageDeduplicationId = createHash('sha256').update(message.id).digest('hex');
    }
    return { entry, id: message.id, bytes };
  }

  private async sendBatch(batch: Batch): Promise<void> {
    let pending = batch.map((b, i) => ({ ...b, entry: { ...b.entry, Id: `m${i}` } }));
    for (let attempt = 1; ; attempt++) {
      const result = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending.map((p) => p.entry) }),
      );
      const failed = result.Failed ?? [];
      if (failed.length === 0) return;
      const byId = new Map(pending.map((p) => [p.entry.Id ?? '', p]));
      const refused = failed.filter((f) => f.SenderFault);
      const retry = failed.flatMap((f) => (f.SenderFault ? [] : [byId.get(f.Id ?? '')].filter((p) => !!p)));
      if (refused.length || attempt >= this.maxAttempts) {
        const gaveUp = refused.length ? refused : failed;
        throw new OutboxSendError(
          gaveUp.map((f) => byId.get(f.Id ?? '')?.id ?? '?'),
          gaveUp.map((f) => f.Code ?? 'unknown'),
        );
      }
      pending = retry;
      await this.sleep(this.backoffMs(attempt));
    }
  }
}

type Batch = { entry: SendMessageBatchRequestEntry; id: string; bytes: number }[];

/** At most 10 entries and 256 KB of bodies per call, in order. */
function batches(entries: Batch): Batch[] {
  const out: Batch[] = [];
  let current: Batch = [];
  let bytes = 0;
  for (const e of entries) {
    if (current.length === sqsLimits.batchEntries || bytes + e.bytes > sqsLimits.messageBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += e.bytes;
  }
  if (current.length) out.push(current);
  return out;
}

const outboundShape = z.object({
  id: z.string().check(z.minLength(1)),
  to: z.looseObject({ channel: z.string().check(z.minLength(1)), id: z.string().check(z.minLength(1)) }),
  personId: z.string(),
  lang: z.string(),
  // Written by SqsOutbox from the use cases' own replies: the envelope is checked, the replies trusted.
  replies: z.array(z.custom<Reply>((r) => !!r && typeof r === 'object')).check(z.minLength(1)),
  emergency: z.optional(z.boolean()),
  awake: z.optional(z.boolean()),
  answers: z.optional(z.string()),
  edit: z.optional(z.number().check(z.int())),
  editOrSend: z.optional(z.boolean()),
  track: z.optional(
    z.union([
      z.object({ requestId: z.string(), field: z.enum(['offer', 'assigned']), volunteerId: z.string() }),
      z.object({ alertId: z.string(), round: z.number().check(z.int(), z.nonnegative()) }),
      z.object({ broadcastId: z.string(), by: z.string() }),
      z.object({ checkInOf: z.string(), localDate: z.string() }),
    ]),
  ),
  about: z.optional(z.array(z.string())),
  live: z.optional(
    z.union([
      z.object({ kind: z.literal('assignment'), requestId: z.string(), volunteerId: z.string() }),
      z.object({ kind: z.literal('alertCard'), alertId: z.string(), escalated: z.optional(z.boolean()) }),
    ]),
  ),
  // Written with the card's replies: its line is trusted as they are, the button's data checked.
  digestLine: z.optional(
    z.object({
      text: z.custom<Param>((t) => t !== undefined && t !== null),
      open: z.object({
        label: z.string(),
        params: z.optional(z.custom<Params>((p) => !!p && typeof p === 'object')),
        data: z.string().check(z.maxLength(64)),
      }),
    }),
  ),
});

/** One record of an SQS event, as the outbox sender reads it. */
export interface QueueRecord {
  messageId: string;
  body: string;
  /** What ChangeMessageVisibility takes to offer the record again at a time of the sender's choosing. */
  receiptHandle?: string;
  attributes?: { MessageGroupId?: string };
}

/** Records to show again after `seconds` (SQS: ChangeMessageVisibility on records received). */
export type DelayRecords = (changes: { receiptHandle: string; seconds: number }[]) => Promise<void>;

/** What a batch's send reports back: what to retry, and what one chat's pacing handed back for later. */
export interface QueueSendResult {
  retry: string[];
  later?: { id: string; at: number }[];
}

export interface QueueBatchOptions {
  /** Shows the records handed back for later again when due; without it they wait for the visibility timeout. */
  delay?: DelayRecords;
  /** Epoch ms, for how far off `later`'s times are; default Date.now. */
  now?: () => number;
}

export interface QueueBatchResult {
  /** SQS message ids to receive again (the Lambda's `batchItemFailures`). */
  failures: string[];
  /** Bodies that are not outbound messages: they go again, and so on to the DLQ. */
  malformed: number;
  /** Outbound message ids the sender asked to retry. */
  retried: string[];
  /** Outbound message ids one chat's pacing handed back: offered again when due. */
  deferred: string[];
  /** Records handed back whose new visibility SQS did not take: they come back after the visibility timeout. */
  undelayed: number;
}

/** SQS's longest visibility timeout, in seconds (12 hours). */
const maxVisibilitySeconds = 12 * 60 * 60;

/**
 * Hands a batch of queue records to the sender and says which records to
 * receive again: the messages the sender could not finish (`retry`), those one
 * chat's pacing handed back (`later`: made visible again when due, so the
 * sender never waits for one chat while the others wait behind it) and bodies
 * that are not outbound messages. On a FIFO queue a record failing fails the
 * rest of its group in the batch too, as the order requires; a group with a
 * record in flight gets nothing more until that record is done, so the delay
 * holds the chat's later messages back too.
 */
export async function sendQueueBatch(
  records: QueueRecord[],
  send: (messages: OutboundMessage[]) => Promise<QueueSendResult>,
  options: QueueBatchOptions = {},
): Promise<QueueBatchResult> {
  const messages: OutboundMessage[] = [];
  const recordsOf = new Map<string, QueueRecord[]>();
  const failed = new Set<QueueRecord>();
  for (const record of records) {
    const parsed = parseBody(record.body);
    if (!parsed) {
      failed.add(record);
      continue;
    }
    const same = recordsOf.get(parsed.id);
    if (same) same.push(record);
    else {
      recordsOf.set(parsed.id, [record]);
      messages.push(parsed);
    }
  }
  const malformed = failed.size;
  const { retry, later = [] } = messages.length ? await send(messages) : { retry: [] };
  for (const id of [...retry, ...later.map((l) => l.id)])
    for (const r of recordsOf.get(id) ?? []) failed.add(r);
  // In order: once a group has a failure, its later records go again too (already sent ones are skipped then).
  const failedGroups = new Set<string>();
  const failures: string[] = [];
  for (const r of records) {
    const group = r.attributes?.MessageGroupId;
    if (failed.has(r) || (group && failedGroups.has(group))) {
      failures.push(r.messageId);
      if (group) failedGroups.add(group);
    }
  }
  const now = (options.now ?? Date.now)();
  const changes = later.flatMap(({ id, at }) =>
    (recordsOf.get(id) ?? []).flatMap((r) =>
      r.receiptHandle
        ? [
            {
              receiptHandle: r.receiptHandle,
              seconds: Math.min(maxVisibilitySeconds, Math.max(1, Math.ceil((at - now) / 1000))),
            },
          ]
        : [],
    ),
  );
  let undelayed = 0;
  if (changes.length && options.delay) {
    try {
      await options.delay(changes);
    } catch {
      undelayed = changes.length;
    }
  }
  return { failures, malformed, retried: retry, deferred: later.map((l) => l.id), undelayed };
}

function parseBody(body: string): OutboundMessage | undefined {
  try {
    const parsed = outboundShape.safeParse(JSON.parse(body));
    return parsed.success ? (parsed.data as OutboundMessage) : undefined;
  } catch {
    return undefined;
  }
}
