import { describe, expect, it } from 'vitest';
import type { AlerterSetup } from '../src/config.ts';
import { rulesQueryPort } from '../src/query/rules-port.ts';

const setup = (windowCache: boolean): AlerterSetup => ({
  config: {
    influx: { url: 'http://127.0.0.1:8086', database: 'lookout', timeout: 1_000 },
    rules: [],
    evaluation: { interval: 15_000, watch_collector: 0, window_cache: windowCache },
    state: { path: ':memory:' },
    listen: '127.0.0.1:0',
    overrides: {},
    api: {},
  },
  rules: [],
  secrets: { routingKeys: {} },
});

describe('rulesQueryPort', () => {
  it('is the window cache unless the config turns it off', () => {
    expect(rulesQueryPort(setup(true)).stats).toBeTypeOf('function');
    expect(rulesQueryPort(setup(false)).stats).toBeUndefined();
  });
});
