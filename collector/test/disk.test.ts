import { describe, expect, it } from 'vitest';
import { logDirSamples } from '../src/sources/disk.ts';

describe('logDirSamples', () => {
  it('derives used bytes and ratio, and marks an offline dir without inventing its sizes', () => {
    const samples = logDirSamples(
      'c1',
      [
        {
          broker: 1,
          path: '/data/a',
          errorCode: 0,
          totalBytes: 1_000,
          usableBytes: 250,
          partitionBytes: 600,
          partitions: 4,
        },
        {
          broker: 1,
          path: '/data/b',
          errorCode: 56,
          totalBytes: -1,
          usableBytes: -1,
          partitionBytes: 0,
          partitions: 0,
        },
      ],
      7,
    );
    expect(samples).toEqual([
      {
        measurement: 'log_dir',
        tags: { cluster: 'c1', broker: '1', log_dir: '/data/a' },
        fields: {
          total_bytes: 1_000,
          usable_bytes: 250,
          used_bytes: 750,
          used_ratio: 0.75,
          partition_bytes: 600,
          partitions: 4,
          offline: 0,
        },
        timeMs: 7,
      },
      {
        measurement: 'log_dir',
        tags: { cluster: 'c1', broker: '1', log_dir: '/data/b' },
        fields: { partition_bytes: 0, partitions: 0, offline: 1 },
        timeMs: 7,
      },
    ]);
  });
});
