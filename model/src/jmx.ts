import type { FieldName, MeasurementName } from './catalog.ts';

/**
 * Where a catalog field comes from in a broker's JMX tree. The JMX exporter's names and Jolokia's requests
 * are both derived from this one table, whatever naming an exporter config uses.
 */
export interface JmxMetric {
  measurement: MeasurementName;
  field: string;
  /** The ObjectName; a property whose value is `*` becomes a tag (named by `wildcardTags`, else the property). */
  mbean: string;
  /** Tag names for wildcard properties whose name is not the tag's (`name=*` of a collector → `gc`). */
  wildcardTags?: Readonly<Record<string, string>>;
  /** The attribute read: `Value`, `Count`, `99thPercentile`, `OneMinuteRate`, `HeapMemoryUsage`, … */
  attribute: string;
  /** For composite attributes (Jolokia `path`): `used`, `max`. */
  path?: string;
  /** Multiplier from the source unit to the catalog unit. */
  scale?: number;
  /** Exposition names (and required labels) used instead of the derived ones, e.g. the agent's own JVM metrics. */
  exposition?: { name: string; labels: Readonly<Record<string, string>>; scale?: number }[];
}

/** Checks at compile time that `field` is one of `measurement`'s catalog fields. */
const m = <M extends MeasurementName>(
  metric: JmxMetric & { measurement: M; field: FieldName<M> },
): JmxMetric => metric;
const rm = 'kafka.server:type=ReplicaManager';
const bt = 'kafka.server:type=BrokerTopicMetrics';
const kc = 'kafka.controller:type=KafkaController';
const totalTime = 'kafka.network:type=RequestMetrics,name=TotalTimeMs';

/** The broker metrics the collector keeps; everything else an exporter serves is dropped unless configured. */
export const jmxMetrics: readonly JmxMetric[] = [
  m({
    measurement: 'broker',
    field: 'under_replicated_partitions',
    mbean: `${rm},name=UnderReplicatedPartitions`,
    attribute: 'Value',
  }),
  m({
    measurement: 'broker',
    field: 'under_min_isr_partitions',
    mbean: `${rm},name=UnderMinIsrPartitionCount`,
    attribute: 'Value',
  }),
  m({ measurement: 'broker', field: 'leader_count', mbean: `${rm},name=LeaderCount`, attribute: 'Value' }),
  m({
    measurement: 'broker',
    field: 'partition_count',
    mbean: `${rm},name=PartitionCount`,
    attribute: 'Value',
  }),
  m({
    measurement: 'broker',
    field: 'isr_shrinks_total',
    mbean: `${rm},name=IsrShrinksPerSec`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker',
    field: 'isr_expands_total',
    mbean: `${rm},name=IsrExpandsPerSec`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker',
    field: 'active_controller_count',
    mbean: `${kc},name=ActiveControllerCount`,
    attribute: 'Value',
  }),
  m({
    measurement: 'broker',
    field: 'offline_partitions',
    mbean: `${kc},name=OfflinePartitionsCount`,
    attribute: 'Value',
  }),
  m({
    measurement: 'broker',
    field: 'bytes_in_total',
    mbean: `${bt},name=BytesInPerSec`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker',
    field: 'bytes_out_total',
    mbean: `${bt},name=BytesOutPerSec`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker',
    field: 'messages_in_total',
    mbean: `${bt},name=MessagesInPerSec`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker',
    field: 'produce_requests_total',
    mbean: `${bt},name=TotalProduceRequestsPerSec`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker_topic',
    field: 'bytes_in_total',
    mbean: `${bt},name=BytesInPerSec,topic=*`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker_topic',
    field: 'bytes_out_total',
    mbean: `${bt},name=BytesOutPerSec,topic=*`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker_topic',
    field: 'messages_in_total',
    mbean: `${bt},name=MessagesInPerSec,topic=*`,
    attribute: 'Count',
  }),
  m({
    measurement: 'broker',
    field: 'request_handler_idle_ratio',
    mbean: 'kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent',
    attribute: 'OneMinuteRate',
  }),
  m({
    measurement: 'broker',
    field: 'network_processor_idle_ratio',
    mbean: 'kafka.network:type=SocketServer,name=NetworkProcessorAvgIdlePercent',
    attribute: 'Value',
  }),
  m({
    measurement: 'broker',
    field: 'request_queue_size',
    mbean: 'kafka.network:type=RequestChannel,name=RequestQueueSize',
    attribute: 'Value',
  }),
  m({
    measurement: 'broker',
    field: 'produce_time_p99_ms',
    mbean: `${totalTime},request=Produce`,
    attribute: '99thPercentile',
  }),
  m({
    measurement: 'broker',
    field: 'produce_local_time_p99_ms',
    mbean: 'kafka.network:type=RequestMetrics,name=LocalTimeMs,request=Produce',
    attribute: '99thPercentile',
  }),
  m({
    measurement: 'broker',
    field: 'fetch_consumer_time_p99_ms',
    mbean: `${totalTime},request=FetchConsumer`,
    attribute: '99thPercentile',
  }),
  m({
    measurement: 'broker',
    field: 'fetch_follower_time_p99_ms',
    mbean: `${totalTime},request=FetchFollower`,
    attribute: '99thPercentile',
  }),
  m({
    measurement: 'broker',
    field: 'log_flush_time_p99_ms',
    mbean: 'kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs',
    attribute: '99thPercentile',
  }),
  m({
    measurement: 'broker',
    field: 'offline_log_dirs',
    mbean: 'kafka.log:type=LogManager,name=OfflineLogDirectoryCount',
    attribute: 'Value',
  }),
  m({
    measurement: 'broker',
    field: 'jvm_heap_used_bytes',
    mbean: 'java.lang:type=Memory',
    attribute: 'HeapMemoryUsage',
    path: 'used',
    exposition: [
      { name: 'jvm_memory_used_bytes', labels: { area: 'heap' } },
      { name: 'jvm_memory_bytes_used', labels: { area: 'heap' } },
    ],
  }),
  m({
    measurement: 'broker',
    field: 'jvm_heap_max_bytes',
    mbean: 'java.lang:type=Memory',
    attribute: 'HeapMemoryUsage',
    path: 'max',
    exposition: [
      { name: 'jvm_memory_max_bytes', labels: { area: 'heap' } },
      { name: 'jvm_memory_bytes_max', labels: { area: 'heap' } },
    ],
  }),
  m({
    measurement: 'broker_gc',
    field: 'collections_total',
    mbean: 'java.lang:type=GarbageCollector,name=*',
    wildcardTags: { name: 'gc' },
    attribute: 'CollectionCount',
    exposition: [{ name: 'jvm_gc_collection_seconds_count', labels: {} }],
  }),
  m({
    measurement: 'broker_gc',
    field: 'time_ms_total',
    mbean: 'java.lang:type=GarbageCollector,name=*',
    wildcardTags: { name: 'gc' },
    attribute: 'CollectionTime',
    exposition: [{ name: 'jvm_gc_collection_seconds_sum', labels: {}, scale: 1000 }],
  }),
];
