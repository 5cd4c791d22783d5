import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../src/kafka/cluster.ts';
import { clusterSamples } from '../src/sources/cluster-state.ts';

const p = (topic: string, partition: number, leader: number, replicas: number[], isr: number[]) => ({
  topic,
  partition,
  leader,
  replicas,
  isr,
});

describe('clusterSamples', () => {
  const snap: ClusterSnapshot = {
    brokers: [1, 3],
    controller: 3,
    partitions: [
      p('orders', 0, 1, [1, 2, 3], [1, 3]), // under-replicated, still ≥ min ISR 2
      p('orders', 1, 3, [2, 3, 1], [3]), // under-replicated, under min ISR, non-preferred leader
      p('orders', 2, -1, [2], []), // offline
      p('clicks', 0, 1, [1, 3], [1, 3]), // healthy, topic with no known min ISR
    ],
    minIsr: new Map([['orders', 2]]),
    retention: new Map([['orders', { ms: 604_800_000, bytes: -1 }]]),
  };
  const all = clusterSamples('c1', snap, [1, 2, 3], 9);
  const cluster = all.find((s) => s.measurement === 'cluster');
  const brokers = all.filter((s) => s.measurement === 'cluster_broker');

  it('counts replication health per cluster', () => {
    expect(cluster).toEqual({
      measurement: 'cluster',
      tags: { cluster: 'c1' },
      fields: {
        brokers_registered: 2,
        brokers_expected: 3,
        brokers_missing: 1,
        controller_id: 3,
        topics: 2,
        partitions: 4,
        under_replicated_partitions: 3,
        offline_partitions: 1,
        under_min_isr_partitions: 1,
        non_preferred_leader_partitions: 1,
      },
      timeMs: 9,
    });
  });

  it('reports every expected broker, the missing one as unregistered', () => {
    expect(brokers.map((b) => [b.tags.broker, b.fields])).toEqual([
      ['1', { registered: 1, leader_partitions: 2, replica_partitions: 3, out_of_sync_replicas: 1 }],
      ['2', { registered: 0, leader_partitions: 0, replica_partitions: 3, out_of_sync_replicas: 3 }],
      ['3', { registered: 1, leader_partitions: 1, replica_partitions: 3, out_of_sync_replicas: 0 }],
    ]);
  });

  it('describes each topic with its settings, leaving out what it could not read', () => {
    expect(all.filter((s) => s.measurement === 'topic').map((s) => [s.tags.topic, s.fields])).toEqual([
      [
        'orders',
        {
          partitions: 3,
          replication_factor: 3,
          min_insync_replicas: 2,
          retention_ms: 604_800_000,
          retention_bytes: -1,
          under_replicated_partitions: 3,
          offline_partitions: 1,
        },
      ],
      [
        'clicks',
        { partitions: 1, replication_factor: 2, under_replicated_partitions: 0, offline_partitions: 0 },
      ],
    ]);
  });

  it('has no controller as -1', () => {
    const [c] = clusterSamples('c1', { ...snap, controller: null }, [], 0);
    expect(c?.fields.controller_id).toBe(-1);
  });
});
