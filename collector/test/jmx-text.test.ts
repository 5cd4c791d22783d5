import { describe, expect, it } from 'vitest';
import { catalog } from '../../model/src/catalog.ts';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { buildNameIndex } from '../src/jmx-names.ts';
import { keepMatcher, mapExposition } from '../src/sources/jmx-text.ts';

const index = buildNameIndex(jmxMetrics);
const target = { cluster: 'c1', broker: '2' };
const fieldsOf = (text: string, measurement = 'broker', tag?: [string, string]) =>
  mapExposition(text, target, index, 1_000).samples.find(
    (s) => s.measurement === measurement && (tag === undefined || s.tags[tag[0]] === tag[1]),
  )?.fields ?? {};

describe('mapExposition: one catalog whatever the exporter config calls things', () => {
  it.each([
    [
      'the jmx_exporter Kafka examples (lowercaseOutputName)',
      'kafka_server_replicamanager_underreplicatedpartitions 3',
    ],
    ['the same without lowercaseOutputName', 'kafka_server_ReplicaManager_UnderReplicatedPartitions 3'],
    ['a _value suffix', 'kafka_server_replicamanager_underreplicatedpartitions_value 3'],
    [
      'the default format without rules',
      'kafka_server_ReplicaManager_Value{name="UnderReplicatedPartitions",} 3',
    ],
  ])('%s', (_config, line) => {
    expect(fieldsOf(`${line}\n`).under_replicated_partitions).toBe(3);
  });

  it('reads counters as _total or _count, and never counts an alias twice', () => {
    expect(fieldsOf('kafka_server_replicamanager_isrshrinkspersec_total 5\n').isr_shrinks_total).toBe(5);
    expect(fieldsOf('kafka_server_ReplicaManager_IsrShrinksPerSec_Count 6\n').isr_shrinks_total).toBe(6);
    const both =
      'kafka_server_replicamanager_isrshrinkspersec_total 5\nkafka_server_replicamanager_isrshrinkspersec_count 5\n';
    expect(fieldsOf(both).isr_shrinks_total).toBe(5);
  });

  it('splits per-topic rates from the broker total', () => {
    const text = [
      'kafka_server_brokertopicmetrics_bytesinpersec_total{topic="orders",} 100',
      'kafka_server_brokertopicmetrics_bytesinpersec_total{topic="clicks",} 50',
      'kafka_server_brokertopicmetrics_bytesinpersec_total 150',
    ].join('\n');
    expect(fieldsOf(text).bytes_in_total).toBe(150);
    expect(fieldsOf(text, 'broker_topic', ['topic', 'orders']).bytes_in_total).toBe(100);
    expect(fieldsOf(text, 'broker_topic', ['topic', 'clicks']).bytes_in_total).toBe(50);
  });

  it('takes the p99 quantile of the right request, and the upstream _percent idle names', () => {
    const text = [
      'kafka_network_requestmetrics_totaltimems{request="Produce",quantile="0.50",} 1',
      'kafka_network_requestmetrics_totaltimems{request="Produce",quantile="0.99",} 12',
      'kafka_network_requestmetrics_totaltimems{request="FetchConsumer",quantile="0.99",} 40',
      'kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent 0.8',
    ].join('\n');
    const fields = fieldsOf(text);
    expect(fields.produce_time_p99_ms).toBe(12);
    expect(fields.fetch_consumer_time_p99_ms).toBe(40);
    expect(fields.request_handler_idle_ratio).toBe(0.8);
  });

  it("maps the agent's JVM series, GC seconds to ms per collector", () => {
    const text = [
      'jvm_memory_used_bytes{area="heap",} 2.0E8',
      'jvm_memory_used_bytes{area="nonheap",} 9.0E7',
      'jvm_gc_collection_seconds_sum{gc="G1 Young Generation",} 0.5',
      'jvm_gc_collection_seconds_count{gc="G1 Young Generation",} 7',
    ].join('\n');
    expect(fieldsOf(text).jvm_heap_used_bytes).toBe(2e8);
    expect(fieldsOf(text, 'broker_gc', ['gc', 'G1 Young Generation'])).toEqual({
      time_ms_total: 500,
      collections_total: 7,
    });
  });

  it('drops what the catalog does not name, and non-finite values, and keeps count', () => {
    const text =
      'kafka_log_log_size{topic="x",partition="0",} 9\nkafka_server_replicamanager_leadercount NaN\nup 1\n';
    const mapped = mapExposition(text, target, index, 1_000);
    expect(mapped.samples).toEqual([]);
    expect(mapped.exposed).toBe(3);
    expect(mapped.kept).toBe(0);
  });

  it('tags every sample with cluster, broker and source, in catalog tag order', () => {
    const [sample] = mapExposition(
      'kafka_server_replicamanager_leadercount 4\n',
      target,
      index,
      1_000,
    ).samples;
    expect(sample).toEqual({
      measurement: 'broker',
      tags: { cluster: 'c1', broker: '2', source: 'jmx' },
      fields: { leader_count: 4 },
      timeMs: 1_000,
    });
    expect(Object.keys(sample?.tags ?? {})).toEqual(catalog.broker.tags);
  });
});

describe('mapExposition: metrics kept beyond the catalog', () => {
  it('stores configured names and prefixes as jmx_extra with their labels as tags, and nothing else', () => {
    const text = [
      'kafka_log_log_size{topic="orders",partition="0",} 1234',
      'kafka_log_log_numlogsegments{topic="orders",partition="0",} 2',
      'kafka_cluster_partition_underreplicated{topic="orders",partition="0",} 0',
      'custom_metric{cluster="x"} 5',
      'kafka_server_replicamanager_leadercount 4',
    ].join('\n');
    const keep = keepMatcher(['kafka_log_log_size', 'custom_*']);
    const mapped = mapExposition(text, { ...target, ...(keep === undefined ? {} : { keep }) }, index, 1_000);
    const extra = mapped.samples.filter((s) => s.measurement === 'jmx_extra');
    expect(extra).toEqual([
      {
        measurement: 'jmx_extra',
        tags: {
          cluster: 'c1',
          broker: '2',
          source: 'jmx',
          metric: 'kafka_log_log_size',
          topic: 'orders',
          partition: '0',
        },
        fields: { value: 1234 },
        timeMs: 1_000,
      },
      {
        measurement: 'jmx_extra',
        tags: { cluster: 'c1', broker: '2', source: 'jmx', metric: 'custom_metric', label_cluster: 'x' },
        fields: { value: 5 },
        timeMs: 1_000,
      },
    ]);
    expect(mapped.samples.find((s) => s.measurement === 'broker')?.fields).toEqual({ leader_count: 4 });
    expect(mapped.kept).toBe(3);
  });

  it('keeps nothing extra without configuration', () => {
    expect(keepMatcher([])).toBeUndefined();
  });
});
