/**
 * Fault injection on WhatsApp: a message's turn runs with one DynamoDB call
 * failing, for each call of the turn and of its delivery; the webhook answers
 * 500, and Meta retries the same body (the same message id). Exactly one
 * effect, one reply sequence: nothing is marked processed before the commit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { onboardElder } from '../support/cast.js';
import { WhatsAppWorld } from '../support/channels.js';
import { failingClient, type FaultInjector } from '../support/dynamo.js';
import { loadNetworkFile } from '../../bot/config/network.js';

let world: WhatsAppWorld;
let faults: FaultInjector;

afterEach(async () => {
  faults.failAt(0);
  expect(world.problems()).toEqual([]);
  await world.close();
});

/** Maria on WhatsApp, her address typed, her phone "this number", no daily question. */
const elder = () => onboardElder(world, { address: 'Via dei Mille 5', phone: 'this number' });

/** Posts the body until Meta would stop retrying (a 2xx), then lets the outbox finish. */
async function postUntilAccepted(body: object): Promise<number> {
  let tries = 0;
  for (;;) {
    tries++;
    const answer = await world.post(body);
    if (answer.statusCode === 200) break;
    expect(answer).toEqual({ statusCode: 500, body: 'failed' });
    expect(tries).toBeLessThan(5);
  }
  for (let i = 0; i < 3 && world.runtime.outbox.pending > 0; i++) await world.runtime.outbox.drain();
  return tries;
}

const sent = (t: string) => t.startsWith('👍 Richiesta inviata');

describe('a DynamoDB call fails during a WhatsApp turn, then Meta retries the same message', () => {
  it('request creation: one request, one confirmation — whichever call fails', async () => {
    // Maria asks again and again: the cap on her requests still going is lifted.
    const { requests } = loadNetworkFile('network/brescia.json');
    world = await WhatsAppWorld.start({
      at: '2026-11-21T09:00:00Z',
      network: { requests: { ...requests, maxOpenPerPerson: 1000 } },
    });
    faults = failingClient(world.table.doc);
    const maria = await elder();
    const mariaId = (await world.store.findPersonByChannel(maria.ref()))!.id;

    /** Asks for a pharmacy run; the last answer's body is handed to `last`. */
    const ask = async (last: (body: object) => Promise<void>) => {
      await maria.press('🙋 Chiedi un volontario');
      await maria.press('Farmacia');
      await maria.press('Oggi');
      await maria.send('La ricetta è sul tavolo');
      const found = maria.find('No');
      await last(
        'number' in found
          ? world.api.userSends(maria.wa, String(found.number))
          : world.api.userTaps(maria.wa, found.shown, found.id),
      );
    };
    const counts = async () => ({
      requests: (await world.scan()).filter((i) => i.entity === 'request' && i.elderId === mariaId).length,
      confirmations: maria.texts().filter(sent).length,
    });

    // A clean run: how many calls the turn and its delivery make.
    let calls = 0;
    let committed = 0;
    await ask(async (body) => {
      faults.failAt(0);
      await postUntilAccepted(body);
      calls = faults.seen;
      committed = faults.names.lastIndexOf('TransactWriteItemsCommand') + 1;
    });
    expect(committed).toBeGreaterThan(1);
    expect(calls).toBeGreaterThan(committed);

    const names = [...faults.names];
    // Every call but the routing's index queries (hundreds alike in an empty zone: one in 100 of them).
    const positions = names
      .map((name, i) => ({ name, n: i + 1 }))
      .filter(({ name, n }) => name !== 'QueryCommand' || n % 100 === 0 || n === committed - 1)
      .map(({ n }) => n);
    for (const n of positions) {
      const before = await counts();
      let tries = 0;
      await ask(async (body) => {
        faults.failAt(n);
        tries = await postUntilAccepted(body);
        faults.failAt(0);
      });
      const after = await counts();
      expect(after.requests - before.requests, `fault at call ${n} (tries ${tries})`).toBe(1);
      if (n <= committed) {
        // The turn failed before or at its commit and Meta's retry ran it once more, from scratch; or
        // the failed call was one tried again in place (the week's figures counting the request).
        expect([1, 2], `fault at call ${n}`).toContain(tries);
        expect(after.confirmations - before.confirmations, `fault at call ${n}`).toBe(1);
      } else {
        // After the commit: the record's settling failed (a 500; Meta's retry re-sends what was
        // recorded, under the same ids) or the delivery did (the outbox retries it), at least once.
        expect(tries, `fault at call ${n}`).toBeLessThanOrEqual(2);
        expect(after.confirmations - before.confirmations, `fault at call ${n}`).toBeGreaterThanOrEqual(1);
        expect(after.confirmations - before.confirmations, `fault at call ${n}`).toBeLessThanOrEqual(2);
      }
    }
  }, 900_000);
});
