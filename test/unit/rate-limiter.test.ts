import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../bot/adapters/channels/rate-limiter.js';
import { VirtualTime } from '../support/virtual-time.js';

/** Acquires for every chat concurrently and records the virtual time of each grant. */
async function grants(limiter: RateLimiter, clock: VirtualTime, chats: Array<string | number>) {
  const out: Array<{ chat: string; at: number }> = [];
  await Promise.all(
    chats.map(async (chat) => {
      await limiter.acquire(chat);
      out.push({ chat: String(chat), at: clock.time.now() });
    }),
  );
  return out;
}

/** The largest number of grants inside any rolling second. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) >= 1000) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** Telegram's own limits, without the headroom the defaults keep. */
const exact = { perSecond: 30, perChatMs: 1000 };

describe('RateLimiter', () => {
  it('lets at most 30 sends through in any rolling second', async () => {
    const clock = new VirtualTime(0);
    const limiter = new RateLimiter(clock.time, exact);
    const got = await grants(
      limiter,
      clock,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(got).toHaveLength(100);
    expect(busiestSecond(got.map((g) => g.at))).toBe(30);
    // 100 sends at 30/s: slots at 0, 1000, 2000 and 3000 ms, and not slower.
    expect(Math.max(...got.map((g) => g.at))).toBe(3000);
  });

  it('honours another perSecond', async () => {
    const clock = new VirtualTime(0);
    const got = await grants(new RateLimiter(clock.time, { perSecond: 5 }), clock, [
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
    ]);
    expect(busiestSecond(got.map((g) => g.at))).toBe(5);
    expect(got.find((g) => g.chat === 'f')?.at).toBe(1000);
  });

  it('keeps one chat to one send per second, in order', async () => {
    const clock = new VirtualTime(5_000);
    const limiter = new RateLimiter(clock.time, exact);
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        await limiter.acquire(42);
        order.push(n);
        times.push(clock.time.now());
      }),
    );
    expect(order).toEqual([1, 2, 3, 4]);
    expect(times).toEqual([5000, 6000, 7000, 8000]);
  });

  it('lets one chat have a short burst, then paces it at one send per second', async () => {
    const clock = new VirtualTime(0);
    const limiter = new RateLimiter(clock.time, { ...exact, perChatBurst: 3 });
    const got = await grants(limiter, clock, ['a', 'a', 'a', 'a', 'a']);
    expect(got.map((g) => g.at)).toEqual([0, 0, 0, 1000, 2000]);
    // A quiet chat fills its bucket again, one send per second, up to the burst.
    clock.advance(10_000);
    const later = await grants(limiter, clock, ['a', 'a', 'a', 'a']);
    expect(later.map((g) => g.at - 12_000)).toEqual([0, 0, 0, 1000]);
  });

  it('does not hold other chats up behind a chat that must wait', async () => {
    const clock = new VirtualTime(0);
    const limiter = new RateLimiter(clock.time, exact);
    const got = await grants(limiter, clock, ['a', 'a', 'b', 'c', 'd']);
    const at = (chat: string) => got.filter((g) => g.chat === chat).map((g) => g.at);
    expect(at('a')).toEqual([0, 1000]);
    expect([...at('b'), ...at('c'), ...at('d')]).toEqual([0, 0, 0]);
  });

  it('sends nothing while paused by a 429, then resumes', async () => {
    const clock = new VirtualTime(10_000);
    const limiter = new RateLimiter(clock.time);
    await limiter.acquire('x');
    limiter.pauseUntil(13_000);
    limiter.pauseUntil(12_000); // an earlier pause never shortens the running one
    const got = await grants(limiter, clock, ['x', 'y', 'z']);
    expect(got.map((g) => g.at)).toEqual([13_000, 13_000, 13_000]);
  });

  it('makes waiters that already hold a slot wait for a pause that starts meanwhile', async () => {
    const clock = new VirtualTime(0);
    const limiter = new RateLimiter(clock.time, { perSecond: 1 });
    await limiter.acquire('a'); // slot 0; the next free slot is at 1000
    const waiting = grants(limiter, clock, ['b']);
    limiter.pauseUntil(2500);
    expect((await waiting)[0]?.at).toBe(2500);
  });

  it('keeps headroom by default: 28 sends in any rolling second, 1,050 ms between two to one chat', async () => {
    const clock = new VirtualTime(0);
    const limiter = new RateLimiter(clock.time);
    const got = await grants(
      limiter,
      clock,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(busiestSecond(got.map((g) => g.at))).toBe(28);
    expect(Math.max(...got.map((g) => g.at))).toBe(3000); // slots at 0, 1000, 2000 and 3000 ms
    const chat = await grants(limiter, clock, ['a', 'a', 'a']);
    expect(chat.map((g) => g.at - chat[0]!.at)).toEqual([0, 1050, 2100]);
  });

  it('says when a chat may have its next send and how many it may have now, without taking one', async () => {
    const clock = new VirtualTime(0);
    const limiter = new RateLimiter(clock.time, { perChatMs: 1050, perChatBurst: 3 });
    expect(limiter.freeSends('a')).toBe(3);
    expect(limiter.chatReadyAt('a')).toBeLessThanOrEqual(0);
    await grants(limiter, clock, ['a', 'a', 'a']);
    expect(clock.time.now()).toBe(0);
    expect(limiter.freeSends('a')).toBe(0);
    expect(limiter.chatReadyAt('a')).toBe(1050);
    clock.advance(1050);
    expect(limiter.freeSends('a')).toBe(1);
    expect([limiter.chatBurst, limiter.chatGapMs]).toEqual([3, 1050]);
    await grants(limiter, clock, ['a']);
    expect(limiter.chatReadyAt('a')).toBe(2100); // asking did not move it: one grant did
  });

  it('counts a send when it really goes: a timer firing late does not let the next second’s sends bunch up', async () => {
    const clock = new VirtualTime(0);
    // A busy event loop: whatever was to wake at 1 s wakes at 1.9 s; everything else on time.
    const late = {
      ...clock.time,
      sleep: (ms: number) => clock.time.sleep(clock.time.now() + ms === 1000 ? ms + 900 : ms),
    };
    const limiter = new RateLimiter(late, { perSecond: 2, perChatMs: 1000 });
    const got = await grants(limiter, clock, ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(got.map((g) => g.at)).toEqual([0, 0, 1900, 1900, 2900, 2900]);
    expect(busiestSecond(got.map((g) => g.at))).toBe(2);
  });

  it('rejects a limit below one per second', () => {
    expect(() => new RateLimiter(new VirtualTime(0).time, { perSecond: 0 })).toThrow(/perSecond/);
  });
});
