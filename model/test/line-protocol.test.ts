import { describe, expect, it } from 'vitest';
import { encodeLines } from '../src/line-protocol.ts';

describe('encodeLines', () => {
  it('types fields by the catalog and sorts tags', () => {
    const { body, points } = encodeLines([
      {
        measurement: 'broker',
        tags: { source: 'jmx', broker: '1', cluster: 'c1' },
        fields: { under_replicated_partitions: 3, request_handler_idle_ratio: 0.75 },
        timeMs: 1_700_000_000_123,
      },
    ]);
    expect(points).toBe(1);
    expect(body).toBe(
      'broker,broker=1,cluster=c1,source=jmx under_replicated_partitions=3i,request_handler_idle_ratio=0.75 1700000000123\n',
    );
  });

  it('escapes names, tag values and strings; drops empty tags', () => {
    const { body } = encodeLines([
      {
        measurement: 'scrape',
        tags: { cluster: 'prod eu,1', target: 'a=b', source: '' },
        fields: { error: 'said "no" \\ twice', up: 0 },
        timeMs: 5,
      },
    ]);
    expect(body).toBe('scrape,cluster=prod\\ eu\\,1,target=a\\=b error="said \\"no\\" \\\\ twice",up=0i 5\n');
  });

  it('leaves out NaN and infinite fields, and skips a point left with none', () => {
    const { body, points, skipped } = encodeLines([
      {
        measurement: 'broker',
        tags: { cluster: 'c' },
        fields: { leader_count: Number.NaN, produce_time_p99_ms: 2 },
        timeMs: 1,
      },
      {
        measurement: 'broker',
        tags: { cluster: 'c' },
        fields: { leader_count: Number.POSITIVE_INFINITY },
        timeMs: 1,
      },
    ]);
    expect(body).toBe('broker,cluster=c produce_time_p99_ms=2 1\n');
    expect([points, skipped]).toEqual([1, 1]);
  });
});
