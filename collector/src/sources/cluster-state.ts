import type { Sample } from '../../../model/src/sample.ts';
import type { KafkaSession } from '../kafka/session.ts';
import { readClusterSnapshot } from '../kafka/cluster.ts';
import type { ClusterSnapshot } from '../kafka/cluster.ts';
import type { Source } from '../source.ts';

/**
 * The cluster's replication health from one snapshot: per cluster and per broker (expected or
 * registered). Pure, with time passed in.
 */
export function clusterSamples(
  cluster: string,
  snap: ClusterSnapshot,
  expected: readonly number[],
  timeMs: number,
): Sample[] {
  const registered = new Set(snap.brokers);
  const ids = [...new Set([...expected, ...snap.brokers])].sort((a, b) => a - b);
  const perBroker = new Map(
    ids.map((id) => [id, { leader_partitions: 0, replica_partitions: 0, out_of_sync_replicas: 0 }]),
  );
  let underReplicated = 0;
  let offline = 0;
  let underMinIsr = 0;
  let nonPreferred = 0;
  for (const p of snap.partitions) {
    const hasLeader = p.leader >= 0;
    if (!hasLeader) offline += 1;
    if (p.isr.length < p.replicas.length) underReplicated += 1;
    const minIsr = snap.minIsr.get(p.topic);
    if (hasLeader && minIsr !== undefined && p.isr.length < minIsr) underMinIsr += 1;
    if (hasLeader && p.replicas[0] !== undefined && p.leader !== p.replicas[0]) nonPreferred += 1;
    const inSync = new Set(p.isr);
    for (const r of p.replicas) {
      const b = perBroker.get(r);
      if (b === undefined) continue;
      b.replica_partitions += 1;
      if (!inSync.has(r)) b.out_of_sync_replicas += 1;
    }
    const leader = perBroker.get(p.leader);
    if (leader !== undefined) leader.leader_partitions += 1;
  }
  const missing = expected.filter((id) => !registered.has(id)).length;
  const clusterSample: Sample = {
    measurement: 'cluster',
    tags: { cluster },
    fields: {
      brokers_registered: snap.brokers.length,
      brokers_expected: expected.length,
      brokers_missing: missing,
      ...(snap.controller === undefined ? {} : { controller_id: snap.controller ?? -1 }),
      topics: new Set(snap.partitions.map((p) => p.topic)).size,
      partitions: snap.partitions.length,
      under_replicated_partitions: underReplicated,
      offline_partitions: offline,
      under_min_isr_partitions: underMinIsr,
      non_preferred_leader_partitions: nonPreferred,
    },
    timeMs,
  };
  const brokerSamples = ids.map((id): Sample => ({
    measurement: 'cluster_broker',
    tags: { cluster, broker: String(id) },
    fields: { registered: registered.has(id) ? 1 : 0, ...perBroker.get(id) },
    timeMs,
  }));
  return [
    clusterSample,
    ...topicSamples(cluster, snap, timeMs),
    ...placementSamples(cluster, snap, timeMs),
    ...brokerSamples,
  ];
}

/** One `topic` sample per topic: partitions, replication and retention settings, replication health. */
export function topicSamples(cluster: string, snap: ClusterSnapshot, timeMs: number): Sample[] {
  const topics = new Map<string, { partitions: number; rf: number; urp: number; offline: number }>();
  for (const p of snap.partitions) {
    const t = topics.get(p.topic) ?? { partitions: 0, rf: 0, urp: 0, offline: 0 };
    t.partitions += 1;
    t.rf = Math.max(t.rf, p.replicas.length);
    if (p.isr.length < p.replicas.length) t.urp += 1;
    if (p.leader < 0) t.offline += 1;
    topics.set(p.topic, t);
  }
  return [...topics].map(([topic, t]) => {
    const retention = snap.retention.get(topic);
    const minIsr = snap.minIsr.get(topic);
    return {
      measurement: 'topic',
      tags: { cluster, topic },
      fields: {
        partitions: t.partitions,
        replication_factor: t.rf,
        ...(minIsr === undefined ? {} : { min_insync_replicas: minIsr }),
        ...(retention === undefined ? {} : { retention_ms: retention.ms, retention_bytes: retention.bytes }),
        under_replicated_partitions: t.urp,
        offline_partitions: t.offline,
      },
      timeMs,
    };
  });
}

/** One `topic_placement` sample per broker and topic it holds: what the broker's loss would affect. */
export function placementSamples(cluster: string, snap: ClusterSnapshot, timeMs: number): Sample[] {
  const held = new Map<string, { broker: number; topic: string; replicas: number; leaders: number }>();
  for (const p of snap.partitions) {
    for (const r of p.replicas) {
      const key = `${r}\u0000${p.topic}`;
      const h = held.get(key) ?? { broker: r, topic: p.topic, replicas: 0, leaders: 0 };
      h.replicas += 1;
      if (p.leader === r) h.leaders += 1;
      held.set(key, h);
    }
  }
  return [...held.values()].map((h) => ({
    measurement: 'topic_placement',
    tags: { cluster, broker: String(h.broker), topic: h.topic },
    fields: { replicas: h.replicas, leaders: h.leaders },
    timeMs,
  }));
}

/** A source that reads the cluster state through the admin API. */
export function clusterStateSource(
  cluster: string,
  session: KafkaSession,
  expected: readonly number[],
  /** Told each snapshot (the cluster's consumer-lag source keeps the topics' retention from it). */
  onSnapshot: (snap: ClusterSnapshot) => void = () => undefined,
): Source {
  return {
    cluster,
    target: `admin ${session.endpoint.brokers.join(',')}`,
    kind: 'admin',
    async collect(nowMs) {
      const snap = await readClusterSnapshot(session);
      onSnapshot(snap);
      return {
        samples: clusterSamples(cluster, snap, expected, nowMs),
        exposed: snap.partitions.length,
        errorCount: 0,
      };
    },
  };
}
