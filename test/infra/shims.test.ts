import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../infra/shims/credential-provider-node.js';
import {
  EventStreamSerde,
  EventStreamsNotBundledError,
  eventStreamSerdeProvider,
} from '../../infra/shims/event-streams.js';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe("the bundles' credential chain (infra/shims/credential-provider-node.ts)", () => {
  it("answers with the role's credentials from the environment, as Lambda sets them", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    expect(await defaultProvider()()).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
    delete process.env.AWS_SESSION_TOKEN;
    expect(await defaultProvider()()).toEqual({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret' });
  });

  it('refuses, naming the variables, when they are not set', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    await expect(defaultProvider()()).rejects.toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
});

describe("the bundles' event streams (infra/shims/event-streams.ts)", () => {
  it('fail, naming the shim, should an operation ever reach for them', () => {
    expect(() => new EventStreamSerde()).toThrow(/not in this bundle \(infra\/shims\/event-streams.ts\)/);
    expect(() => eventStreamSerdeProvider()).toThrow(EventStreamsNotBundledError);
  });
});
