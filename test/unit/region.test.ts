import { describe, expect, it } from 'vitest';
import { deployRegion, RegionError } from '../../infra/region.js';

describe('the deploy region', () => {
  it('must be given: the message names what to set', () => {
    expect(() => deployRegion(undefined)).toThrow(RegionError);
    expect(() => deployRegion('')).toThrow(/VICINI_REGION/);
  });
  it('an EU region passes; any other only when allow-listed', () => {
    expect(deployRegion('eu-south-1')).toBe('eu-south-1');
    expect(() => deployRegion('us-east-1')).toThrow(/outside the EU.*vicini:allowedRegions/);
    expect(deployRegion('us-east-1', ['us-east-1'])).toBe('us-east-1');
    expect(() => deployRegion('mars')).toThrow(/not an AWS region/);
  });
});
