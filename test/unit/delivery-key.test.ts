import { describe, expect, it } from 'vitest';
import { deliveryEntity, deliveryKey } from '../../bot/adapters/store/delivery-log.js';

describe('deliveryKey', () => {
  it('gives each outbound message id its own item', () => {
    expect(deliveryKey('tmr1:p1:0')).toEqual(deliveryKey('tmr1:p1:0'));
    expect(deliveryKey('a')).not.toEqual(deliveryKey('b'));
    expect(deliveryKey('a').SK).toBe('MSG');
  });

  it('hashes the id: message ids name people, the key must not', () => {
    const key = deliveryKey('chk.2026-11-21:personAbc123:telegram');
    expect(key.PK).toMatch(/^MSG#[A-Za-z0-9_-]{32}$/);
    expect(key.PK).not.toContain('personAbc123');
  });

  it('tags the items as deliveries', () => {
    expect(deliveryEntity).toBe('delivery');
  });
});
