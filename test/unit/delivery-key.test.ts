import { describe, expect, it } from 'vitest';
import { deliveryEntity, deliveryKey } from '../../bot/store/delivery-log.js';

describe('deliveryKey', () => {
  it('gives each outbound message id its own item', () => {
    expect(deliveryKey('tmr1:p1:0')).toEqual({ PK: 'MSG#tmr1:p1:0', SK: 'MSG' });
    expect(deliveryKey('a')).not.toEqual(deliveryKey('b'));
  });

  it('keeps ids with separators whole', () => {
    expect(deliveryKey('CHK#2026-11-21#p1').PK).toBe('MSG#CHK#2026-11-21#p1');
  });

  it('tags the items as deliveries', () => {
    expect(deliveryEntity).toBe('delivery');
  });
});
