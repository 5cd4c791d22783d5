/**
 * The metric catalog: every measurement Lookout stores, its tags and its typed fields with units. Collector,
 * rules and dashboards name metrics through this table; `docs/schema.md` is checked against it by a test.
 */

/** How a field is stored; integers stay integers (InfluxDB rejects a type change within a shard). */
export type FieldType = 'integer' | 'float' | 'string' | 'boolean';

/** One stored field. `counter` fields only grow (rates come from `non_negative_derivative`). */
export interface FieldSpec {
  type: FieldType;
  unit: string;
  kind: 'gauge' | 'counter' | 'info';
  help: string;
}

/** One measurement: its tags (always in this order) and fields. */
export interface MeasurementSpec {
  help: string;
  tags: readonly string[];
  fields: Readonly<Record<string, FieldSpec>>;
}

const gauge = (type: FieldType, unit: string, help: string): FieldSpec => ({
  type,
  unit,
  kind: 'gauge',
  help,
});
const counter = (unit: string, help: string): FieldSpec => ({ type: 'integer', unit, kind: 'counter', help });

/** Every measurement, by name. */
export const catalog = {
  broker: {
    help: "A broker's own view, from its JMX metrics (JMX exporter text or Jolokia).",
    tags: ['cluster', 'broker', 'source'],
    fields: {
      under_replicated_partitions: gauge(
        'integer',
        'partitions',
        'Partitions led here whose ISR is smaller than their replica set.',
      ),
      under_min_isr_partitions: gauge(
        'integer',
        'partitions',
        'Partitions led here with fewer in-sync replicas than min.insync.replicas.',
      ),
      leader_count: gauge('integer', 'partitions', 'Partitions this broker leads.'),
      partition_count: gauge('integer', 'partitions', 'Partition replicas on this broker.'),
      active_controller_count: gauge('integer', 'controllers', '1 on the active controller, else 0.'),
      offline_partitions: gauge(
        'integer',
        'partitions',
        'Partitions without a leader (reported by the active controller).',
      ),
      isr_shrinks_total: counter('events', 'ISR shrinks since the broker started.'),
      isr_expands_total: counter('events', 'ISR expands since the broker started.'),
      bytes_in_total: counter('bytes', 'Bytes produced to this broker, all topics.'),
      bytes_out_total: counter('bytes', 'Bytes fetched from this broker by consumers, all topics.'),
      messages_in_total: counter('messages', 'Messages produced to this broker, all topics.'),
      produce_requests_total: counter(
        'requests',
        'Produce requests appended here, one per partition written (TotalProduceRequestsPerSec).',
      ),
      request_handler_idle_ratio: gauge(
        'float',
        'ratio',
        'Request handler threads idle, 1-minute rate (0..1).',
      ),
      network_processor_idle_ratio: gauge('float', 'ratio', 'Network processor threads idle (0..1).'),
      request_queue_size: gauge('integer', 'requests', 'Requests waiting for a handler thread.'),
      produce_time_p99_ms: gauge('float', 'ms', 'Produce request total time, 99th percentile.'),
      produce_local_time_p99_ms: gauge(
        'float',
        'ms',
        "Produce request time spent in this broker's own work (appending to its log), 99th percentile.",
      ),
      fetch_consumer_time_p99_ms: gauge('float', 'ms', 'Consumer fetch request total time, 99th percentile.'),
      fetch_follower_time_p99_ms: gauge('float', 'ms', 'Follower fetch request total time, 99th percentile.'),
      log_flush_time_p99_ms: gauge('float', 'ms', 'Log flush time, 99th percentile.'),
      offline_log_dirs: gauge('integer', 'dirs', 'Log directories this broker has taken offline.'),
      jvm_heap_used_bytes: gauge('integer', 'bytes', 'JVM heap in use.'),
      jvm_heap_max_bytes: gauge('integer', 'bytes', 'JVM heap limit.'),
    },
  },
  broker_topic: {
    help: "A broker's per-topic rates (BrokerTopicMetrics with a topic); `tenant` is the topic's owner.",
    tags: ['cluster', 'broker', 'topic', 'source', 'tenant'],
    fields: {
      bytes_in_total: counter('bytes', 'Bytes produced to this topic on this broker.'),
      bytes_out_total: counter('bytes', 'Bytes fetched from this topic on this broker by consumers.'),
      messages_in_total: counter('messages', 'Messages produced to this topic on this broker.'),
    },
  },
  broker_gc: {
    help: "A broker JVM's garbage collectors.",
    tags: ['cluster', 'broker', 'gc', 'source'],
    fields: {
      collections_total: counter('collections', 'Collections since the JVM started.'),
      time_ms_total: gauge(
        'float',
        'ms',
        'Time spent collecting since the JVM started (grows like a counter).',
      ),
    },
  },
  cluster: {
    help: 'The cluster as the Kafka admin API sees it: works when JMX is unreachable, and cross-checks it.',
    tags: ['cluster'],
    fields: {
      brokers_registered: gauge('integer', 'brokers', 'Brokers in the metadata.'),
      brokers_expected: gauge('integer', 'brokers', 'Brokers the configuration expects.'),
      brokers_missing: gauge('integer', 'brokers', 'Expected brokers absent from the metadata.'),
      controller_id: gauge(
        'integer',
        'id',
        'The active controller: the KRaft quorum leader (DescribeQuorum), -1 if none.',
      ),
      topics: gauge('integer', 'topics', 'Topics, internal ones included.'),
      partitions: gauge('integer', 'partitions', 'Partitions, internal ones included.'),
      under_replicated_partitions: gauge(
        'integer',
        'partitions',
        'Partitions whose ISR is smaller than their replica set.',
      ),
      offline_partitions: gauge('integer', 'partitions', 'Partitions without a leader.'),
      under_min_isr_partitions: gauge(
        'integer',
        'partitions',
        "Partitions with fewer in-sync replicas than their topic's min.insync.replicas.",
      ),
      non_preferred_leader_partitions: gauge(
        'integer',
        'partitions',
        'Partitions led by a broker other than their first replica.',
      ),
    },
  },
  topic: {
    help: 'Each topic: its size in partitions, its replication and retention settings, its replication health.',
    tags: ['cluster', 'topic'],
    fields: {
      partitions: gauge('integer', 'partitions', 'Partitions of the topic.'),
      replication_factor: gauge('integer', 'replicas', 'Largest replica set of its partitions.'),
      min_insync_replicas: gauge('integer', 'replicas', 'The topic’s min.insync.replicas.'),
      retention_ms: gauge(
        'integer',
        'ms',
        'The topic’s retention.ms (-1: unbounded): how long a stopped group has before it loses data.',
      ),
      retention_bytes: gauge(
        'integer',
        'bytes',
        'The topic’s retention.bytes per partition (-1: unbounded).',
      ),
      under_replicated_partitions: gauge(
        'integer',
        'partitions',
        'Partitions whose ISR is smaller than their replica set.',
      ),
      offline_partitions: gauge('integer', 'partitions', 'Partitions without a leader.'),
    },
  },
  cluster_broker: {
    help: "Each expected or registered broker's share of the cluster, from the admin API.",
    tags: ['cluster', 'broker'],
    fields: {
      registered: gauge('integer', 'bool', '1 if the broker is in the metadata, else 0.'),
      leader_partitions: gauge('integer', 'partitions', 'Partitions it leads.'),
      replica_partitions: gauge('integer', 'partitions', 'Partitions it holds a replica of.'),
      out_of_sync_replicas: gauge(
        'integer',
        'partitions',
        'Partitions it is a replica of but not in the ISR.',
      ),
    },
  },
  broker_status: {
    help: "Each broker's liveness, asked directly every `liveness.interval` (a small Metadata request to each broker), and why it is not serving: a crash (it stopped answering while the cluster still counted it), a hang (no answer within the deadline), or a planned restart (it left the cluster by a controlled shutdown before it stopped answering). See docs/adr/0004-crash-or-planned-stop.md.",
    tags: ['cluster', 'broker'],
    fields: {
      answering: gauge('integer', 'bool', '1 if the broker answered within `liveness.timeout`.'),
      registered: gauge(
        'integer',
        'bool',
        '1 if most brokers that answered list it as alive (registered and unfenced).',
      ),
      state: gauge('string', 'state', 'up, fenced, crashed, hung, restarting or restart_overdue.'),
      crashed: gauge(
        'integer',
        'bool',
        '1 from the moment it stopped answering while still registered (no controlled shutdown) until it is back.',
      ),
      hung: gauge(
        'integer',
        'bool',
        '1 while its connections take no answers (alive but frozen, or unreachable).',
      ),
      restarting: gauge(
        'integer',
        'bool',
        '1 while it is away after a controlled shutdown, within the cluster’s `restart_grace`.',
      ),
      restart_overdue: gauge(
        'integer',
        'bool',
        '1 when it left by a controlled shutdown and has not come back within `restart_grace`.',
      ),
      down_seconds: gauge('float', 's', 'Time since it last answered; 0 while it answers.'),
      attention: gauge(
        'integer',
        'bool',
        '1 when its state is not `up` or changed in this poll: the alerter evaluates at once on such a point.',
      ),
    },
  },
  topic_placement: {
    help: "How much of each topic a broker holds, from the admin API's metadata: what a broker's loss affects.",
    tags: ['cluster', 'broker', 'topic', 'tenant'],
    fields: {
      replicas: gauge('integer', 'partitions', 'Partitions of the topic with a replica on the broker.'),
      leaders: gauge('integer', 'partitions', 'Partitions of the topic the broker leads.'),
    },
  },
  log_dir: {
    help: "Each broker's log directories, from the admin API (DescribeLogDirs v4, KIP-827: Kafka ≥ 3.3).",
    tags: ['cluster', 'broker', 'log_dir'],
    fields: {
      total_bytes: gauge('integer', 'bytes', 'Size of the filesystem holding the dir.'),
      usable_bytes: gauge('integer', 'bytes', 'Space left on it for Kafka.'),
      used_bytes: gauge('integer', 'bytes', 'total_bytes − usable_bytes.'),
      used_ratio: gauge('float', 'ratio', 'used_bytes / total_bytes (0..1).'),
      partition_bytes: gauge('integer', 'bytes', 'Sum of the sizes of the partition replicas in the dir.'),
      partitions: gauge('integer', 'partitions', 'Partition replicas in the dir.'),
      offline: gauge(
        'integer',
        'bool',
        '1 if the broker reports the dir offline (KAFKA_STORAGE_ERROR), else 0.',
      ),
    },
  },
  consumer_lag: {
    help: "Each consumer group's position on each partition it has committed offsets for, from the admin API. Committed offsets are read before log-end offsets, so lag is never negative.",
    tags: ['cluster', 'group', 'topic', 'partition', 'tenant'],
    fields: {
      committed_offset: gauge(
        'integer',
        'offset',
        'The group’s committed offset (absent when it has none); share groups: the first record not yet acknowledged as Kafka counts it (the log end less its share-partition lag).',
      ),
      share_start_offset: gauge(
        'integer',
        'offset',
        'Share groups: the share-partition start offset as Kafka stores it (records before it are acknowledged; some after it may be too).',
      ),
      log_end_offset: gauge('integer', 'offset', 'The partition’s log-end offset (high watermark).'),
      log_start_offset: gauge('integer', 'offset', 'The partition’s log-start offset.'),
      lag_messages: gauge(
        'integer',
        'messages',
        'Messages left to read: last stable offset (the log end unless a transaction is open) − max(committed, log start); 0 when only transaction markers are left.',
      ),
      lost_messages: gauge(
        'integer',
        'messages',
        'Messages deleted by retention before the group read them: log start − committed, when positive.',
      ),
      has_commit: gauge(
        'integer',
        'bool',
        '1 if the group has committed an offset for the partition, else 0.',
      ),
      client_id: gauge(
        'string',
        'text',
        'The client id of the member holding the partition now (absent when no member holds it).',
      ),
      client_host: gauge(
        'string',
        'text',
        'The host of the member holding the partition now (absent when none).',
      ),
      lag_seconds: gauge(
        'float',
        's',
        'How long ago the next record the group will read arrived (0 when caught up); see lag_method.',
      ),
      lag_method: gauge(
        'string',
        'method',
        'exact (that record’s timestamp), interpolated or extrapolated (from the log-end history), none (no history yet).',
      ),
    },
  },
  partition_offsets: {
    help: 'Every partition’s log start and end, from the admin API, with its produce rate from log-end deltas (independent of JMX), and the open transaction holding its last stable offset back, if any.',
    tags: ['cluster', 'topic', 'partition', 'tenant'],
    fields: {
      log_end_offset: gauge('integer', 'offset', 'The partition’s log-end offset (high watermark).'),
      log_start_offset: gauge('integer', 'offset', 'The partition’s log-start offset.'),
      last_stable_offset: gauge(
        'integer',
        'offset',
        'ListOffsets read_committed: where a read_committed consumer can read up to (the first offset of the oldest open transaction, else the log end).',
      ),
      open_transaction_messages: gauge(
        'integer',
        'messages',
        'Log end − last stable offset: records behind an open transaction (0: none open).',
      ),
      messages_per_s: gauge('float', 'messages/s', 'Log-end delta over the last two cycles, per second.'),
    },
  },
  open_transaction: {
    help: 'A transaction holding a partition’s last stable offset back (written only while one does): its producer (DescribeProducers on the leader) and transactional id (ListTransactions on the coordinators), how many records wait behind it and for how long.',
    tags: ['cluster', 'topic', 'partition', 'tenant', 'transactional_id', 'producer_id'],
    fields: {
      messages: gauge(
        'integer',
        'messages',
        'Log end − last stable offset: records behind the open transaction.',
      ),
      age_s: gauge(
        'float',
        's',
        'How long ago the log end passed the last stable offset, by the log-end history: how long the transaction has been open.',
      ),
      last_write_s: gauge('float', 's', 'Seconds since its producer last wrote to the partition.'),
    },
  },
  topic_offsets: {
    help: "Each topic's partitions summed, from the admin API: what topic and tenant panels read without adding up every partition at query time.",
    tags: ['cluster', 'topic', 'tenant'],
    fields: {
      messages_per_s: gauge(
        'float',
        'messages/s',
        'Sum of its partitions’ messages_per_s (absent until every partition has one).',
      ),
      retained_messages: gauge('integer', 'messages', 'Sum of its partitions’ log end − log start.'),
    },
  },
  topic_volume: {
    help: 'Rollup (retention policy `volume`, one point per day, written by continuous queries, not by the collector): what was produced per day, per partition (messages, from partition_offsets) and per broker and topic (bytes, from broker_topic). Sum by `tenant` for "how much did we send yesterday".',
    tags: ['cluster', 'topic', 'partition', 'broker', 'tenant'],
    fields: {
      messages: gauge('integer', 'messages', 'Log-end advance over the day (spread of log_end_offset).'),
      bytes: gauge(
        'float',
        'bytes',
        'Bytes in over the day (spread of bytes_in_total; a broker restart undercounts).',
      ),
    },
  },
  probe: {
    help: 'The synthetic probe, per broker: records produced to a partition only that broker holds (acks=1) and read back from it, over one collection window.',
    tags: ['cluster', 'broker'],
    fields: {
      sent: gauge('integer', 'records', 'Records sent in the window.'),
      acked: gauge('integer', 'records', 'Produces acknowledged in the window.'),
      produce_errors: gauge(
        'integer',
        'records',
        'Produces that failed or timed out (or were not tried: broker unknown, too many in flight).',
      ),
      availability: gauge('float', 'ratio', 'acked / (acked + produce_errors), when a produce completed.'),
      received: gauge('integer', 'records', 'Records read back in the window.'),
      lost: gauge('integer', 'records', 'Acknowledged but not read back within lost_after.'),
      duplicated: gauge('integer', 'records', 'Records read back more than once.'),
      delayed: gauge('integer', 'records', 'Records read back later than the SLA after they were sent.'),
      latency_p50_ms: gauge('float', 'ms', 'End-to-end latency (send → read back), median.'),
      latency_p99_ms: gauge('float', 'ms', 'End-to-end latency, 99th percentile.'),
      produce_latency_p99_ms: gauge('float', 'ms', 'Send → acknowledgement latency, 99th percentile.'),
    },
  },
  host: {
    help: "A broker host's resources, from its node_exporter: one point per broker on the host, rates and ratios over the time since the previous scrape (none on the first).",
    tags: ['cluster', 'broker', 'host'],
    fields: {
      cpus: gauge('integer', 'cpus', 'CPUs the host has.'),
      cpu_busy_ratio: gauge(
        'float',
        'ratio',
        'Share of CPU time not idle, not waiting for IO and not stolen.',
      ),
      cpu_iowait_ratio: gauge('float', 'ratio', 'Share of CPU time idle while waiting for disk IO.'),
      cpu_steal_ratio: gauge('float', 'ratio', 'Share of CPU time taken by the hypervisor for other guests.'),
      load1: gauge('float', 'processes', 'Load average over 1 minute.'),
      load5: gauge('float', 'processes', 'Load average over 5 minutes.'),
      memory_total_bytes: gauge('float', 'bytes', 'Memory the host has.'),
      memory_available_bytes: gauge('float', 'bytes', 'Memory available without swapping (MemAvailable).'),
      page_cache_bytes: gauge(
        'float',
        'bytes',
        'Page cache (Cached): the log segments Kafka reads from memory.',
      ),
      swap_used_bytes: gauge('float', 'bytes', 'Swap in use.'),
      swap_pages_per_s: gauge('float', 'pages/s', 'Pages swapped in plus pages swapped out per second.'),
      disk_util_ratio_max: gauge(
        'float',
        'ratio',
        'Share of the time the busiest block device was busy (1: saturated).',
      ),
      disk_read_latency_ms_max: gauge('float', 'ms', 'Mean time per completed read, on the slowest device.'),
      disk_write_latency_ms_max: gauge(
        'float',
        'ms',
        'Mean time per completed write, on the slowest device.',
      ),
      network_errors_per_s: gauge(
        'float',
        'errors/s',
        'Receive and transmit errors per second, every interface but lo.',
      ),
      network_drops_per_s: gauge('float', 'packets/s', 'Packets dropped per second, every interface but lo.'),
    },
  },
  consumer_group: {
    help: 'Each consumer group, with its lag summed and maxed over its partitions, described by its own protocol (classic groups by DescribeGroups, new-protocol consumer groups by ConsumerGroupDescribe, share groups by ShareGroupDescribe, whose lag is the backlog not yet acknowledged, streams groups by StreamsGroupDescribe). Groups with no members stay while they have committed offsets.',
    tags: ['cluster', 'group', 'tenant', 'protocol'],
    fields: {
      state: gauge(
        'string',
        'state',
        'Classic groups: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead; consumer-protocol groups: Stable, Empty, Assigning, Reconciling, NotReady, Dead; share groups: Stable, Empty, Dead.',
      ),
      members: gauge('integer', 'members', 'Members of the group.'),
      assigned_partitions: gauge('integer', 'partitions', 'Partitions assigned to its members now.'),
      rebalancing: gauge(
        'integer',
        'bool',
        '1 while a rebalance is in progress: classic PreparingRebalance or CompletingRebalance; consumer protocol, a group epoch ahead of its assignment epoch or a member not yet holding its target assignment.',
      ),
      group_epoch: gauge(
        'integer',
        'epoch',
        'Consumer and share protocols: the group epoch (absent for classic groups).',
      ),
      assignment_epoch: gauge(
        'integer',
        'epoch',
        'Consumer and share protocols: the epoch of the target assignment (absent for classic groups).',
      ),
      offsets_age_s: gauge(
        'float',
        's',
        'Age of the committed offsets used: 0, or how long ago they were last read when the group’s coordinator cannot be asked (a dead broker), up to 10 minutes.',
      ),
      partitions: gauge('integer', 'partitions', 'Partitions with a committed offset.'),
      lag_messages_sum: gauge('integer', 'messages', 'Sum of lag_messages over its partitions.'),
      lag_messages_max: gauge('integer', 'messages', 'Largest lag_messages of one partition.'),
      lost_messages_sum: gauge('integer', 'messages', 'Sum of lost_messages over its partitions.'),
      committed_offset_sum: gauge(
        'integer',
        'offset',
        'Sum of its committed offsets: unchanged while lagging means no progress; a fall means a rewind.',
      ),
      commit_age_s: gauge(
        'float',
        's',
        'Seconds since its committed offsets last moved, as the collector saw them (since it first saw the group, before any move).',
      ),
      commit_interval_s: gauge(
        'float',
        's',
        'The longest of its last three intervals between moves of its committed offsets: how long it usually goes between commits (absent until one whole interval was seen).',
      ),
      lag_seconds_max: gauge(
        'float',
        's',
        'Largest lag_seconds of one of its partitions (absent when none is known).',
      ),
      retention_used_ratio_max: gauge(
        'float',
        'ratio',
        'Largest share of its retention the oldest unread record of a partition has used (0..1): lag_seconds / retention.ms for topics deleting by time, the unread share of the retained log for topics deleting by size only; 1 once messages were lost.',
      ),
    },
  },
  consumer_group_topic: {
    help: "A group's lag per topic, summed and maxed over the topic's partitions.",
    tags: ['cluster', 'group', 'topic', 'tenant'],
    fields: {
      lag_messages_sum: gauge('integer', 'messages', 'Sum of lag_messages over the topic’s partitions.'),
      lag_messages_max: gauge(
        'integer',
        'messages',
        'Largest lag_messages of one of the topic’s partitions.',
      ),
    },
  },
  alert_event: {
    help: "The alerter's alert transitions (written by the alerter, not the collector): one point when an alert starts firing and one when it resolves; dashboards show them as annotations. `tenant` is the owner of the alert's topic or group, empty for platform alerts.",
    tags: ['cluster', 'alertname', 'severity', 'tenant'],
    fields: {
      phase: gauge('string', 'phase', 'firing or resolved.'),
      text: gauge(
        'string',
        'text',
        'One line: the alert, its phase and the object it is about (broker, topic, group).',
      ),
      fingerprint: gauge('string', 'id', 'The alert instance’s fingerprint (stable across its transitions).'),
    },
  },
  alert_count: {
    help: "The alerts firing after each of the alerter's evaluations, by cluster, severity and owning tenant (written by the alerter; zero once none fires): the dashboards' active alerts.",
    tags: ['cluster', 'severity', 'tenant'],
    fields: {
      firing: gauge('integer', 'alerts', 'Alerts firing.'),
    },
  },
  jmx_extra: {
    help: "Exporter metrics outside the catalog that a cluster's config keeps (`jmx.keep`); the exposition's own labels become further tags.",
    tags: ['cluster', 'broker', 'source', 'metric'],
    fields: {
      value: gauge('float', 'as exposed', 'The sample value, unchanged.'),
    },
  },
  scrape: {
    help: "The collector's own record of each target and cycle; `broker` on a broker's own targets (JMX exporter, Jolokia).",
    tags: ['cluster', 'target', 'source', 'broker'],
    fields: {
      up: gauge('integer', 'bool', '1 if the target answered and parsed, else 0.'),
      duration_ms: gauge('float', 'ms', 'Time the scrape took, including timeouts.'),
      samples: gauge('integer', 'samples', 'Samples the target exposed.'),
      kept: gauge('integer', 'samples', 'Catalog samples kept from them.'),
      errors: gauge('integer', 'errors', 'Malformed lines or failed entries in this scrape.'),
      error: gauge('string', 'text', 'The first error of a failed scrape (never a secret).'),
      collector: gauge('string', 'text', 'Fleet mode: the collector (fleet member) that made this scrape.'),
      note: gauge(
        'string',
        'text',
        'What the source read differently from asked, e.g. an older request on an older broker (absent when nothing).',
      ),
    },
  },
} as const satisfies Record<string, MeasurementSpec>;

/** The retention policy of the daily volume rollup (`topic_volume`), and how long it is kept. */
export const volumePolicy = { name: 'volume', durationHours: 400 * 24 };

/** A measurement's name. */
export type MeasurementName = keyof typeof catalog;

/** A field name of measurement `M`. */
export type FieldName<M extends MeasurementName> = keyof (typeof catalog)[M]['fields'] & string;

/** The spec of field `field` of `measurement`, or undefined if the catalog has no such field. */
export function fieldSpec(measurement: string, field: string): FieldSpec | undefined {
  const spec = (catalog as Record<string, MeasurementSpec>)[measurement];
  return spec?.fields[field];
}
