import type { ChangeMessageVisibilityBatchCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../bot/core/outbound.js';
import {
  OutboundTooLargeError,
  OutboxSendError,
  SqsOutbox,
  sendQueueBatch,
  type QueueRecord,
} from '../../bot/adapters/outbox/sqs.js';
import { sqsVisibility } from '../../bot/adapters/outbox/sqs-visibility.js';

const message = (id: string, chat = '1', text = 'checkin.prompt'): OutboundMessage => ({
  id,
  to: { channel: 'telegram', id: chat },
  personId: `p${chat}`,
  lang: 'it',
  replies: [{ text }],
});

type Entry = NonNullable<SendMessageBatchCommand['input']['Entries']>[number];

/** An SQS client that records each batch and fails the entries `fail` picks, `times` times. */
function fakeSqs(
  fail: (entry: Entry, call: number) => { SenderFault: boolean; Code: string } | undefined = () => undefined,
) {
  const calls: Entry[][] = [];
  return {
    calls,
    async send(command: SendMessageBatchCommand) {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      const failed = entries.flatMap((e) => {
        const f = fail(e, calls.length);
        return f ? [{ Id: e.Id, ...f }] : [];
      });
      return { Failed: failed };
    },
  };
}

const noWait = { sleep: async () => undefined };

describe('SqsOutbox', () => {
  it('sends at most 10 messages per SendMessageBatch, in order', async () => {
    const sqs = fakeSqs();
    const outbox = new SqsOutbox(sqs, 'https://sqs.eu-south-1.amazonaws.com/1/outbox', noWait);
    await outbox.enqueue(Array.from({ length: 23 }, (_, i) => message(`m${i}`, String(i))));
    expect(sqs.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    const bodies = sqs.calls.flat().map((e) => (JSON.parse(e.MessageBody!) as OutboundMessage).id);
    expect(bodies).toEqual(Array.from({ length: 23 }, (_, i) => `m${i}`));
    expect(sqs.calls[0]![0]).not.toHaveProperty('MessageGroupId');
  });

  it('on a FIFO queue: the chat is the message group, a hash of the message id the dedupe id', async () => {
    const sqs = fakeSqs();
    const outbox = new SqsOutbox(sqs, 'https://sqs.eu-south-1.amazonaws.com/1/outbox.fifo', noWait);
    await outbox.enqueue([
      message('chk.2026-11-23:p1:telegram', '42'),
      message('chk.2026-11-23:p1:telegram', '42'),
    ]);
    const [a, b] = sqs.calls[0]!;
    expect(a!.MessageGroupId).toBe('telegram:42');
    expect(a!.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(b!.MessageDeduplicationId).toBe(a!.MessageDeduplicationId);
  });

  it('keeps each call under 256 KB and refuses a message over it', async () => {
    const sqs = fakeSqs();
    const outbox = new SqsOutbox(sqs, 'https://q/outbox', noWait);
    const big = 'x'.repeat(100 * 1024);
    await outbox.enqueue([message('a', '1', big), message('b', '2', big), message('c', '3', big)]);
    expect(sqs.calls.map((c) => c.length)).toEqual([2, 1]);
    await expect(outbox.enqueue([message('huge', '1', 'x'.repeat(257 * 1024))])).rejects.toBeInstanceOf(
      OutboundTooLargeError,
    );
  });

  it('sends again the entries SQS failed on its side, and only those', async () => {
    const sqs = fakeSqs((e, call) =>
      call === 1 && e.Id === 'm1' ? { SenderFault: false, Code: 'InternalError' } : undefined,
    );
    await new SqsOutbox(sqs, 'https://q/outbox', noWait).enqueue([message('a'), message('b', '2')]);
    expect(sqs.calls.map((c) => c.map((e) => (JSON.parse(e.MessageBody!) as OutboundMessage).id))).toEqual([
      ['a', 'b'],
      ['b'],
    ]);
  });

  it('throws a named error when SQS refuses an entry, or keeps failing it', async () => {
    const refusing = fakeSqs(() => ({ SenderFault: true, Code: 'InvalidParameterValue' }));
    await expect(
      new SqsOutbox(refusing, 'https://q/o', noWait).enqueue([message('a')]),
    ).rejects.toMatchObject({
      name: 'OutboxSendError',
      messageIds: ['a'],
    });
    const failing = fakeSqs(() => ({ SenderFault: false, Code: 'ServiceUnavailable' }));
    await expect(
      new SqsOutbox(failing, 'https://q/o', noWait).enqueue([message('a')]),
    ).rejects.toBeInstanceOf(OutboxSendError);
    expect(failing.calls).toHaveLength(4);
  });
});

describe('sendQueueBatch', () => {
  const record = (id: string, m: OutboundMessage | string, group?: string): QueueRecord => ({
    messageId: id,
    body: typeof m === 'string' ? m : JSON.stringify(m),
    attributes: group ? { MessageGroupId: group } : {},
  });

  it('reports the sender’s retries and malformed bodies as failures, and the later records of their groups', async () => {
    const records = [
      record('r1', message('a', '1'), 'telegram:1'),
      record('r2', message('b', '1'), 'telegram:1'),
      record('r3', message('c', '2'), 'telegram:2'),
      record('r4', 'not json', 'telegram:3'),
      record('r5', message('d', '3'), 'telegram:3'),
      record('r6', message('e', '4'), 'telegram:4'),
    ];
    const seen: string[] = [];
    const result = await sendQueueBatch(records, async (messages) => {
      seen.push(...messages.map((m) => m.id));
      return { retry: ['a'] };
    });
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(result).toEqual({
      failures: ['r1', 'r2', 'r4', 'r5'],
      malformed: 1,
      retried: ['a'],
      deferred: [],
      undelayed: 0,
    });
  });

  it('hands the sender every field a message carries, the time it answers included', async () => {
    const full: OutboundMessage = {
      ...message('f', '5'),
      answers: '2026-11-21T09:00:00.000Z',
      awake: true,
      edit: 12,
      editOrSend: true,
      about: ['p9'],
      track: { requestId: 'r1', field: 'offer', volunteerId: 'v1' },
    };
    const seen: OutboundMessage[] = [];
    await sendQueueBatch([record('r1', full)], async (messages) => {
      seen.push(...messages);
      return { retry: [] };
    });
    expect(seen).toEqual([full]);
  });

  it('keeps every kind of tracking and live content through the queue', async () => {
    const tracks: NonNullable<OutboundMessage['track']>[] = [
      { requestId: 'r1', field: 'assigned', volunteerId: 'v1' },
      { alertId: 'a1', round: 2 },
      { broadcastId: 'b1', by: 'm1' },
      { checkInOf: 'e1', localDate: '2026-11-21' },
    ];
    const lives: NonNullable<OutboundMessage['live']>[] = [
      { kind: 'assignment', requestId: 'r1', volunteerId: 'v1' },
      { kind: 'alertCard', alertId: 'a1', escalated: true },
    ];
    const all: OutboundMessage[] = [
      ...tracks.map((track, i) => ({ ...message(`t${i}`, '5'), track })),
      ...lives.map((live, i) => ({ ...message(`l${i}`, '6'), live })),
    ];
    const seen: OutboundMessage[] = [];
    const result = await sendQueueBatch(
      all.map((m, i) => record(`r${i}`, m)),
      async (messages) => {
        seen.push(...messages);
        return { retry: [] };
      },
    );
    expect(result.malformed).toBe(0);
    expect(seen).toEqual(all);
  });

  it('shows what one chat’s pacing handed back again when due, and fails the rest of its group', async () => {
    const records = [
      { ...record('r1', message('a', '1'), 'telegram:1'), receiptHandle: 'h1' },
      { ...record('r2', message('b', '1'), 'telegram:1'), receiptHandle: 'h2' },
      { ...record('r3', message('c', '1'), 'telegram:1'), receiptHandle: 'h3' },
      { ...record('r4', message('d', '2'), 'telegram:2'), receiptHandle: 'h4' },
    ];
    const delayed: { receiptHandle: string; seconds: number }[][] = [];
    const result = await sendQueueBatch(
      records,
      async () => ({
        retry: [],
        later: [
          { id: 'b', at: 11_050 },
          { id: 'c', at: 11_050 },
        ],
      }),
      { delay: async (changes) => void delayed.push(changes), now: () => 10_000 },
    );
    expect(result).toMatchObject({ failures: ['r2', 'r3'], deferred: ['b', 'c'], retried: [], undelayed: 0 });
    // 1.05 s away: visible again in 2 s (SQS counts whole seconds, never early).
    expect(delayed).toEqual([
      [
        { receiptHandle: 'h2', seconds: 2 },
        { receiptHandle: 'h3', seconds: 2 },
      ],
    ]);
  });

  it('says how many records SQS would not delay (they come back after the visibility timeout)', async () => {
    const records = [{ ...record('r1', message('a', '1'), 'telegram:1'), receiptHandle: 'h1' }];
    const result = await sendQueueBatch(
      records,
      async () => ({ retry: [], later: [{ id: 'a', at: 5000 }] }),
      {
        delay: async () => {
          throw new Error('AccessDenied');
        },
        now: () => 0,
      },
    );
    expect(result).toMatchObject({ failures: ['r1'], deferred: ['a'], undelayed: 1 });
  });

  it('hands a message delivered twice in one batch to the sender once', async () => {
    const seen: string[] = [];
    const result = await sendQueueBatch(
      [record('r1', message('a')), record('r2', message('a'))],
      async (m) => {
        seen.push(...m.map((x) => x.id));
        return { retry: ['a'] };
      },
    );
    expect(seen).toEqual(['a']);
    expect(result.failures).toEqual(['r1', 'r2']);
  });
});

describe('sqsVisibility', () => {
  it('changes visibility 10 records a call and throws a named error for those SQS refused', async () => {
    const calls: unknown[][] = [];
    const client = {
      async send(command: ChangeMessageVisibilityBatchCommand) {
        const entries = command.input.Entries ?? [];
        calls.push(entries);
        return {
          Failed: calls.length === 2 ? [{ Id: 'r0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }] : [],
        };
      },
    };
    const delay = sqsVisibility(client, 'https://q/outbox.fifo');
    const changes = Array.from({ length: 12 }, (_, i) => ({ receiptHandle: `h${i}`, seconds: 3 }));
    await expect(delay(changes)).rejects.toMatchObject({
      name: 'VisibilityChangeError',
      codes: ['ReceiptHandleIsInvalid'],
    });
    expect(calls.map((c) => c.length)).toEqual([10, 2]);
    expect(calls[0]![0]).toEqual({ Id: 'r0', ReceiptHandle: 'h0', VisibilityTimeout: 3 });
    await expect(
      sqsVisibility({ send: async () => ({ Failed: [] }) }, 'https://q/o.fifo')(changes),
    ).resolves.toBeUndefined();
  });
});
