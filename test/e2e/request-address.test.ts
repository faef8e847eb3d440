import { afterEach, describe, expect, it } from 'vitest';
import { onboardElder } from '../support/cast.js';
import { World } from '../support/world.js';

let world: World;

afterEach(async () => {
  expect(world.refusedCalls()).toEqual([]);
  await world.close();
});

describe('an address given with a request', () => {
  it('is kept for the next request, and a phone changed by someone else meanwhile stays', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    // No address on file: the request asks where the volunteer should go.
    const elder = await onboardElder(world, { phone: { type: '333 765 4321' } });
    const id = (await world.personOf(elder))!.id;
    await elder.press('🙋 Chiedi un volontario');
    await elder.press('Farmacia');
    expect(elder.lastText()).toMatch(/Dove deve venire il volontario/);
    await elder.send('Via Trieste 3');
    await elder.press('Oggi');
    await elder.press('Salta');

    // Another actor (her relative, the mediator) changes her phone while this turn is deciding:
    // between the turn's read of her details and its write of the address.
    const store = world.store;
    const read = store.getPrivate.bind(store);
    let raced = false;
    store.getPrivate = async (personId) => {
      const details = await read(personId);
      if (personId === id && !raced) {
        raced = true;
        await store.setPrivate(id, 'phone', '+393400000001');
      }
      return details;
    };
    await elder.press('No');
    expect(elder.texts().some((t) => t.startsWith('👍 Richiesta inviata'))).toBe(true);
    expect(await read(id)).toEqual({ address: 'Via Trieste 3', phone: '+393400000001' });
    // The next request goes straight from the category to the day.
    await elder.press('🙋 Chiedi un volontario');
    await elder.press('Farmacia');
    expect(elder.lastText()).not.toMatch(/Dove deve venire il volontario/);
    expect(() => elder.findButton('Oggi')).not.toThrow();
  });
});
