import { describe, expect, it } from 'vitest';
import { noRpcs, partitionKey } from '../src/kafka/lag.ts';
import type { LagSnapshot } from '../src/kafka/lag.ts';
import { lagSamples, offsetSamples, retentionShare } from '../src/sources/lag/consumer-lag.ts';
import { OffsetHistory } from '../src/sources/lag/offset-history.ts';
import { CommitCadence } from '../src/sources/lag/commit-cadence.ts';

const snap: LagSnapshot = {
  groups: [
    {
      group: 'billing',
      protocol: 'classic',
      state: 'Empty',
      members: 0,
      committed: [
        { topic: 'orders', partition: 0, offset: 90 }, // 10 behind
        { topic: 'orders', partition: 1, offset: 3 }, // behind log start 10: 7 lost, 40 left
        { topic: 'orders', partition: 2, offset: -1 }, // nothing committed
        { topic: 'clicks', partition: 0, offset: 5 }, // caught up
      ],
    },
  ],
  logs: new Map([
    [partitionKey('orders', 0), { start: 0, end: 100 }],
    [partitionKey('orders', 1), { start: 10, end: 50 }],
    [partitionKey('orders', 2), { start: 0, end: 8 }],
    [partitionKey('clicks', 0), { start: 0, end: 5 }],
  ]),
  leaders: new Map(),
  groupsComplete: true,
  rpcs: noRpcs(),
  errors: [],
  notes: [],
  transactions: new Map(),
};

const group = snap.groups[0] ?? {
  group: '',
  protocol: 'classic' as const,
  state: '',
  members: 0,
  committed: [],
};
const samples = (s: LagSnapshot) => lagSamples('c1', s, 7, () => '');

describe('lagSamples', () => {
  const samples = lagSamples('c1', snap, 7, (g) => (g === 'billing' ? 'payments' : ''));
  const partition = (topic: string, p: number) =>
    samples.find(
      (s) => s.measurement === 'consumer_lag' && s.tags.topic === topic && s.tags.partition === String(p),
    )?.fields;

  it('computes lag per partition, lost messages behind log start, and marks partitions without a commit', () => {
    expect(partition('orders', 0)).toMatchObject({ lag_messages: 10, lost_messages: 0, has_commit: 1 });
    expect(partition('orders', 1)).toMatchObject({
      lag_messages: 40,
      lost_messages: 7,
      committed_offset: 3,
      log_start_offset: 10,
    });
    expect(partition('orders', 2)).toEqual({ has_commit: 0, log_end_offset: 8, log_start_offset: 0 });
    expect(partition('clicks', 0)).toMatchObject({ lag_messages: 0 });
  });

  it('aggregates per group and per group and topic, keeping an Empty group, with its tenant', () => {
    const group = samples.find((s) => s.measurement === 'consumer_group');
    expect(group).toEqual({
      measurement: 'consumer_group',
      tags: { cluster: 'c1', group: 'billing', tenant: 'payments', protocol: 'classic' },
      fields: {
        offsets_age_s: 0,
        state: 'Empty',
        members: 0,
        partitions: 3,
        lag_messages_sum: 50,
        lag_messages_max: 40,
        lost_messages_sum: 7,
        committed_offset_sum: 98, // 90 + 3 + 5
        retention_used_ratio_max: 1, // orders-1 sits at the very start of its retained log
      },
      timeMs: 7,
    });
    const topics = samples
      .filter((s) => s.measurement === 'consumer_group_topic')
      .map((s) => [s.tags.topic, s.fields]);
    expect(topics).toEqual([
      ['orders', { lag_messages_sum: 50, lag_messages_max: 40 }],
      ['clicks', { lag_messages_sum: 0, lag_messages_max: 0 }],
    ]);
  });

  it("reports a group's worst lag in seconds, and none when no partition's is known", () => {
    const times = new Map([
      ['orders/0/90', 40_000],
      ['orders/1/10', 70_000],
    ]);
    const timed = lagSamples(
      'c1',
      snap,
      100_000,
      () => '',
      undefined,
      (t, p, at) => times.get(`${t}/${p}/${at}`),
    );
    const fields = timed.find((x) => x.measurement === 'consumer_group')?.fields;
    expect(fields?.lag_seconds_max).toBe(60);
    expect(samples.find((x) => x.measurement === 'consumer_group')?.fields).not.toHaveProperty(
      'lag_seconds_max',
    );
  });

  it('never reports a negative lag, even if a commit is ahead of the end read', () => {
    const ahead: LagSnapshot = {
      ...snap,
      groups: [
        {
          group: 'g',
          protocol: 'classic',
          state: 'Stable',
          members: 1,
          committed: [{ topic: 'clicks', partition: 0, offset: 9 }],
        },
      ],
    };
    expect(
      lagSamples('c1', ahead, 0, () => '').find((s) => s.measurement === 'consumer_lag')?.fields.lag_messages,
    ).toBe(0);
  });
});

describe("a group's committed offsets and their cadence", () => {
  const sumOf = (samples: ReturnType<typeof lagSamples>) =>
    samples.find((s) => s.measurement === 'consumer_group')?.fields.committed_offset_sum;

  it('counts the commits of a partition without a leader this cycle, so a broker crash reads as no rewind', () => {
    const logs = new Map(snap.logs);
    logs.delete(partitionKey('orders', 0)); // its leader crashed: no log end this cycle
    const leaderless = lagSamples('c1', { ...snap, logs }, 7, () => '');
    expect(sumOf(leaderless)).toBe(sumOf(samples(snap)));
    expect(leaderless.some((s) => s.tags.topic === 'orders' && s.tags.partition === '0')).toBe(false);
  });

  it('reports how long since the offsets moved and its usual interval, with a tracker', () => {
    const cadence = new CommitCadence();
    const at = (ms: number, offset: number) =>
      lagSamples(
        'c1',
        { ...snap, groups: [{ ...group, committed: [{ topic: 'orders', partition: 0, offset }] }] },
        ms,
        () => '',
        undefined,
        undefined,
        undefined,
        cadence,
      ).find((s) => s.measurement === 'consumer_group')?.fields;
    expect(at(0, 10)).toMatchObject({ commit_age_s: 0 });
    expect(at(0, 10)).not.toHaveProperty('commit_interval_s');
    // Read every 15 s: moved at 15 s, unchanged at 30, 45 and 60 s, moved by 75 s.
    at(15_000, 20);
    at(30_000, 20);
    expect(at(45_000, 20)).toMatchObject({ commit_age_s: 30 });
    at(60_000, 20);
    at(75_000, 30);
    expect(at(90_000, 30)).toMatchObject({ commit_age_s: 15, commit_interval_s: 60 });
    expect(samples(snap).find((s) => s.measurement === 'consumer_group')?.fields).not.toHaveProperty(
      'commit_age_s',
    );
  });
});

describe('offsetSamples', () => {
  it("sums each topic's partitions: retained messages always, the rate once every partition has one", () => {
    const history = new OffsetHistory();
    const first = offsetSamples('c1', snap, 0, history);
    const topic = (samples: typeof first, name: string) =>
      samples.find((s) => s.measurement === 'topic_offsets' && s.tags.topic === name)?.fields;
    expect(topic(first, 'orders')).toEqual({ retained_messages: 100 + 40 + 8 });
    for (const [key, log] of snap.logs) history.record(key, log.end - 20, 0);
    for (const [key, log] of snap.logs) history.record(key, log.end, 10_000);
    const later = offsetSamples('c1', snap, 10_000, history);
    expect(topic(later, 'orders')).toEqual({ retained_messages: 148, messages_per_s: 6 }); // 3 × 20 / 10 s
    expect(topic(later, 'clicks')).toEqual({ retained_messages: 5, messages_per_s: 2 });
    expect(later.filter((s) => s.measurement === 'partition_offsets')).toHaveLength(4);
  });
});

describe('transactions', () => {
  // orders/0: a transaction open since offset 95 (its last stable offset) while the log grew to 100.
  const txSnap: LagSnapshot = {
    ...snap,
    logs: new Map([...snap.logs, [partitionKey('orders', 0), { start: 0, end: 100, stable: 95 }]]),
    transactions: new Map([
      [partitionKey('orders', 0), { producerId: '4001', transactionalId: 'billing-1', lastWriteMs: 50_000 }],
    ]),
  };
  const lagOf = (s: LagSnapshot, recordTime?: Parameters<typeof lagSamples>[5]) =>
    lagSamples('c1', s, 60_000, () => '', undefined, recordTime).find(
      (x) => x.measurement === 'consumer_lag' && x.tags.topic === 'orders' && x.tags.partition === '0',
    )?.fields;

  it('counts lag to the last stable offset: an open transaction is not its consumers’ delay', () => {
    expect(lagOf(txSnap)).toMatchObject({ lag_messages: 5, log_end_offset: 100 });
    expect(lagOf(snap)).toMatchObject({ lag_messages: 10 });
  });

  it('reads 0, not 1, for a read_committed consumer with only a commit marker left', () => {
    // clicks/0 is at 5 with the log end at 6: the record at 5 is the last transaction's commit marker.
    const marker: LagSnapshot = {
      ...snap,
      logs: new Map([...snap.logs, [partitionKey('clicks', 0), { start: 0, end: 6 }]]),
    };
    const clicks = (recordTime: Parameters<typeof lagSamples>[5]) =>
      lagSamples('c1', marker, 60_000, () => '', new OffsetHistory(), recordTime).find(
        (x) => x.measurement === 'consumer_lag' && x.tags.topic === 'clicks',
      )?.fields;
    expect(clicks(() => 'end')).toMatchObject({ lag_messages: 0, lag_seconds: 0, lag_method: 'exact' });
    expect(clicks(() => 10_000)).toMatchObject({ lag_messages: 1, lag_seconds: 50, lag_method: 'exact' });
  });

  it('stores the last stable offset of every partition and the open transaction holding one back', () => {
    const history = new OffsetHistory();
    history.record(partitionKey('orders', 0), 90, 0);
    history.record(partitionKey('orders', 0), 100, 20_000); // 95 arrived at about 10 s
    const out = offsetSamples('c1', txSnap, 60_000, history);
    const offsets = (topic: string, p: string) =>
      out.find(
        (x) => x.measurement === 'partition_offsets' && x.tags.topic === topic && x.tags.partition === p,
      )?.fields;
    expect(offsets('orders', '0')).toMatchObject({ last_stable_offset: 95, open_transaction_messages: 5 });
    expect(offsets('orders', '1')).toMatchObject({ last_stable_offset: 50, open_transaction_messages: 0 });
    const open = out.filter((x) => x.measurement === 'open_transaction');
    expect(open).toEqual([
      {
        measurement: 'open_transaction',
        tags: {
          cluster: 'c1',
          topic: 'orders',
          partition: '0',
          transactional_id: 'billing-1',
          producer_id: '4001',
        },
        fields: { messages: 5, age_s: 50, last_write_s: 10 },
        timeMs: 60_000,
      },
    ]);
  });
});

describe('lag in seconds of a record its producer stamped long before it reached the log', () => {
  // orders/0 stood at end 90 until the reading at 195 s, then 100 at 215 s: record 90 arrived after 195 s.
  const history = new OffsetHistory();
  for (let t = 0; t <= 200_000; t += 15_000) history.record(partitionKey('orders', 0), 90, t);
  history.record(partitionKey('orders', 0), 100, 215_000);
  const fieldsWith = (stampMs: number) =>
    lagSamples(
      'c1',
      snap,
      230_000,
      () => '',
      history,
      (topic, p, offset) => (topic === 'orders' && p === 0 && offset === 90 ? stampMs : undefined),
    ).find((s) => s.measurement === 'consumer_lag' && s.tags.topic === 'orders' && s.tags.partition === '0')
      ?.fields;

  it('counts from its CreateTime when that fits its arrival (exact)', () => {
    expect(fieldsWith(205_000)).toMatchObject({ lag_seconds: 25, lag_method: 'exact' });
  });
  it('counts from its arrival, not its CreateTime, when the producer was late (interpolated)', () => {
    // Stamped 170 s before the consumer looked, but on the log only since after 195 s: 15–35 s behind.
    const f = fieldsWith(60_000);
    expect(f?.lag_method).toBe('interpolated');
    expect(Number(f?.lag_seconds)).toBeGreaterThanOrEqual(15);
    expect(Number(f?.lag_seconds)).toBeLessThanOrEqual(35);
  });
});

describe('retentionShare', () => {
  const log = { start: 0, end: 1_000 };
  it('is time-based for topics deleting by time: 10 minutes behind on a 7-day topic is nowhere near loss', () => {
    // A stalled group with 900 of the 1,000 retained records unread, its oldest 600 s old.
    expect(retentionShare(900, 0, log, 600, 7 * 86_400_000)).toBeCloseTo(600 / 604_800, 6);
  });
  it('is near 1 on a short-retention topic as the oldest unread record nears its deletion', () => {
    expect(retentionShare(900, 0, log, 24, 30_000)).toBeCloseTo(0.8, 6);
    expect(retentionShare(900, 0, log, 45, 30_000)).toBe(1);
  });
  it('is the unread share of the retained log for size-only retention, 1 once messages were lost, 0 unknown', () => {
    expect(retentionShare(900, 0, log, 600, -1)).toBeCloseTo(0.9, 6);
    expect(retentionShare(900, 5, log, 600, 7 * 86_400_000)).toBe(1);
    expect(retentionShare(900, 0, log, 600, undefined)).toBe(0);
    expect(retentionShare(900, 0, log, undefined, 30_000)).toBe(0);
  });
});
