import type { DirectBroker } from './brokers.ts';
import { describeNewGroups, readAssignment } from './group-protocols.ts';
import type { DescribedGroupHead } from './group-protocols.ts';
import { encoderOf, flexibleRequest } from './wire.ts';

/**
 * Share groups (KIP-932, Kafka 4.1 on): ShareGroupDescribe names the members and the partitions each is
 * assigned (several members may share one), DescribeShareGroupOffsets the share-partition start offset of each
 * partition the group has begun reading: every record before it is acknowledged, every record from it to the
 * log end is not yet (some in flight, some acknowledged out of order). Share groups commit no offsets:
 * OffsetFetch does not answer for them.
 */

const SHARE_GROUP_DESCRIBE = 77;
const DESCRIBE_SHARE_GROUP_OFFSETS = 90;

/** A share group as its coordinator describes it. */
export interface ShareGroupDescription extends DescribedGroupHead {
  members: {
    memberId: string;
    clientId: string;
    clientHost: string;
    assigned: { topic: string; partitions: number[] }[];
  }[];
}

/** A share group's start offsets: per share-partition it has begun reading, the first unacknowledged offset. */
export interface ShareGroupOffsets {
  group: string;
  errorCode: number;
  errorMessage: string | null;
  partitions: {
    topic: string;
    partition: number;
    startOffset: number;
    /** Kafka's own share-partition lag (DescribeShareGroupOffsets v1; -1 when it does not say). */
    lag: number;
    errorCode: number;
  }[];
}

/** Whether a broker answers ShareGroupDescribe and DescribeShareGroupOffsets (Kafka 4.1 on). */
export const describesShareGroups = (broker: DirectBroker): boolean =>
  broker.maxVersion(SHARE_GROUP_DESCRIBE) !== undefined &&
  broker.maxVersion(DESCRIBE_SHARE_GROUP_OFFSETS) !== undefined;

/** ShareGroupDescribe v1 (its only version) for share groups this broker coordinates, in one request. */
export function describeShareGroups(
  broker: DirectBroker,
  groupIds: readonly string[],
): Promise<ShareGroupDescription[]> {
  return describeNewGroups(
    broker,
    { apiKey: SHARE_GROUP_DESCRIBE, version: 1, name: 'ShareGroupDescribe' },
    groupIds,
    (g, head): ShareGroupDescription => {
      g.readUVarIntString(); // assignor_name
      const members =
        g.readUVarIntArray((m) => {
          const memberId = m.readUVarIntString() ?? '';
          m.readUVarIntString(); // rack_id
          m.readInt32(); // member_epoch
          const clientId = m.readUVarIntString() ?? '';
          const clientHost = m.readUVarIntString() ?? '';
          m.readUVarIntArray((t) => t.readUVarIntString()); // subscribed_topic_names
          const assigned = readAssignment(m);
          m.readTaggedFields();
          return { memberId, clientId, clientHost, assigned };
        }) ?? [];
      return { ...head, members };
    },
  );
}

/** DescribeShareGroupOffsets (v1 where the broker has it, else v0) for every topic of each group, in one request. */
export async function describeShareGroupOffsets(
  broker: DirectBroker,
  groupIds: readonly string[],
): Promise<ShareGroupOffsets[]> {
  if (groupIds.length === 0) return [];
  const version = Math.min(1, broker.maxVersion(DESCRIBE_SHARE_GROUP_OFFSETS) ?? 0);
  return (await broker.send(
    flexibleRequest(
      DESCRIBE_SHARE_GROUP_OFFSETS,
      version,
      'DescribeShareGroupOffsets',
      (e) =>
        e
          .writeUVarIntArray(
            groupIds.map((g) =>
              encoderOf((x) =>
                x
                  .writeUVarIntString(g)
                  .writeUVarInt(0) // topics: null, every topic-partition of the group
                  .writeUVarIntBytes(),
              ),
            ),
          )
          .writeUVarIntBytes(),
      (d) => {
        d.readInt32(); // throttle_time_ms
        const groups =
          d.readUVarIntArray((g): ShareGroupOffsets => {
            const group = g.readUVarIntString() ?? '';
            const partitions: ShareGroupOffsets['partitions'] = [];
            g.readUVarIntArray((t) => {
              const topic = t.readUVarIntString() ?? '';
              t.forward(16); // topic_id (uuid)
              t.readUVarIntArray((p) => {
                const partition = p.readInt32();
                const startOffset = Number(p.readInt64());
                p.readInt32(); // leader_epoch
                const lag = version >= 1 ? Number(p.readInt64()) : -1;
                const errorCode = p.readInt16();
                p.readUVarIntString(); // error_message
                p.readTaggedFields();
                partitions.push({ topic, partition, startOffset, lag, errorCode });
              });
              t.readTaggedFields();
            });
            const errorCode = g.readInt16();
            const errorMessage = g.readUVarIntString();
            g.readTaggedFields();
            return { group, errorCode, errorMessage, partitions };
          }) ?? [];
        d.readTaggedFields();
        return groups;
      },
    ),
  )) as ShareGroupOffsets[];
}
