import type { DirectBroker } from './brokers.ts';
import type { Decoder } from './wire.ts';
import { describeNewGroups } from './group-protocols.ts';
import type { DescribedGroupHead } from './group-protocols.ts';

/**
 * Streams groups (KIP-1071, `group.protocol=streams`, Kafka 4.1 on): StreamsGroupDescribe names the members, the
 * topology (each subtopology's source topics) and each member's tasks. A task is a subtopology and a partition
 * number: active task (s, p) reads partition p of every source topic of subtopology s. Streams groups commit
 * offsets as consumer groups do (OffsetFetch answers for them).
 */

const STREAMS_GROUP_DESCRIBE = 89;

/** A streams group as its coordinator describes it, its tasks turned into the topic-partitions they read. */
export interface StreamsGroupDescription extends DescribedGroupHead {
  members: {
    memberId: string;
    clientId: string;
    clientHost: string;
    /** The source partitions its active tasks read now. */
    assigned: { topic: string; partitions: number[] }[];
    /** Whether its active tasks are the ones the coordinator's assignor wants it to hold. */
    atTarget: boolean;
  }[];
}

/** Whether a broker answers StreamsGroupDescribe (Kafka 4.1 on, where streams groups exist). */
export const describesStreamsGroups = (broker: DirectBroker): boolean =>
  broker.maxVersion(STREAMS_GROUP_DESCRIBE) !== undefined;

type Tasks = { subtopology: string; partitions: number[] }[];

const skipKeyValues = (d: Decoder): void => {
  d.readUVarIntArray((kv) => {
    kv.readUVarIntString();
    kv.readUVarIntString();
    kv.readTaggedFields();
  });
};

function readTopicInfos(d: Decoder): void {
  d.readUVarIntArray((t) => {
    t.readUVarIntString(); // name
    t.readInt32(); // partitions
    t.readInt16(); // replication_factor
    skipKeyValues(t); // topic_configs
    t.readTaggedFields();
  });
}

function readTaskIds(d: Decoder): Tasks {
  return (
    d.readUVarIntArray((t) => {
      const subtopology = t.readUVarIntString() ?? '';
      const partitions = t.readUVarIntArray((p) => p.readInt32()) ?? [];
      t.readTaggedFields();
      return { subtopology, partitions };
    }) ?? []
  );
}

/** An assignment's active tasks (standby and warm-up tasks read no source partitions for the group). */
function readAssignment(d: Decoder): Tasks {
  const active = readTaskIds(d);
  readTaskIds(d); // standby_tasks
  readTaskIds(d); // warmup_tasks
  d.readTaggedFields();
  return active;
}

const skipTaskOffsets = (d: Decoder): void => {
  d.readUVarIntArray((o) => {
    o.readUVarIntString(); // subtopology_id
    o.readInt32(); // partition
    o.readInt64(); // offset
    o.readTaggedFields();
  });
};

const taskKey = (tasks: Tasks): string =>
  tasks
    .flatMap((t) => t.partitions.map((p) => `${t.subtopology}:${p}`))
    .sort()
    .join(',');

/** Active tasks as the source topic-partitions they read, by the topology's subtopologies. */
function sourcePartitions(
  tasks: Tasks,
  sources: ReadonlyMap<string, readonly string[]>,
): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, Set<number>>();
  for (const t of tasks)
    for (const topic of sources.get(t.subtopology) ?? []) {
      const set = byTopic.get(topic) ?? new Set<number>();
      for (const p of t.partitions) set.add(p);
      byTopic.set(topic, set);
    }
  return [...byTopic].map(([topic, set]) => ({ topic, partitions: [...set].sort((a, b) => a - b) }));
}

/** StreamsGroupDescribe v0 for streams groups this broker coordinates, in one request. */
export function describeStreamsGroups(
  broker: DirectBroker,
  groupIds: readonly string[],
): Promise<StreamsGroupDescription[]> {
  return describeNewGroups(
    broker,
    { apiKey: STREAMS_GROUP_DESCRIBE, version: 0, name: 'StreamsGroupDescribe' },
    groupIds,
    (g, head): StreamsGroupDescription => {
      const sources = new Map<string, string[]>();
      if (g.readInt8() >= 0) {
        // topology (nullable)
        g.readInt32(); // epoch
        g.readUVarIntArray((s) => {
          const id = s.readUVarIntString() ?? '';
          sources.set(id, (s.readUVarIntArray((t) => t.readUVarIntString() ?? '') ?? []).sort());
          s.readUVarIntArray((t) => t.readUVarIntString()); // repartition_sink_topics
          readTopicInfos(s); // state_changelog_topics
          readTopicInfos(s); // repartition_source_topics
          s.readTaggedFields();
        });
        g.readTaggedFields();
      }
      const members =
        g.readUVarIntArray((m) => {
          const memberId = m.readUVarIntString() ?? '';
          m.readInt32(); // member_epoch
          m.readUVarIntString(); // instance_id
          m.readUVarIntString(); // rack_id
          const clientId = m.readUVarIntString() ?? '';
          const clientHost = m.readUVarIntString() ?? '';
          m.readInt32(); // topology_epoch
          m.readUVarIntString(); // process_id
          if (m.readInt8() >= 0) {
            // user_endpoint (nullable)
            m.readUVarIntString(); // host
            m.readInt16(); // port
            m.readTaggedFields();
          }
          skipKeyValues(m); // client_tags
          skipTaskOffsets(m); // task_offsets
          skipTaskOffsets(m); // task_end_offsets
          const assigned = readAssignment(m);
          const target = readAssignment(m);
          m.readBoolean(); // is_classic
          m.readTaggedFields();
          return {
            memberId,
            clientId,
            clientHost,
            assigned: sourcePartitions(assigned, sources),
            atTarget: taskKey(assigned) === taskKey(target),
          };
        }) ?? [];
      return { ...head, members };
    },
  );
}
