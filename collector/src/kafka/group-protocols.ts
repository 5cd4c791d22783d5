import type { DirectBroker } from './brokers.ts';
import type { Decoder } from './wire.ts';
import { encoderOf, flexibleRequest } from './wire.ts';

/**
 * Groups as Kafka 4 runs them: ListGroups v5 names each group's type (KIP-848), and a group of the new consumer
 * protocol is described by ConsumerGroupDescribe (its members, their assignments, the group and assignment
 * epochs): DescribeGroups, the classic protocol's request, answers it as a group without members.
 */

/** The protocol a group runs, as ListGroups v5 types it. */
export type GroupProtocol = 'classic' | 'consumer' | 'share' | 'streams';

/** One group as its broker lists it. */
export interface ListedGroup {
  groupId: string;
  /** The classic protocol type (`consumer`, `connect`, … or empty); `consumer` for new-protocol groups. */
  protocolType: string;
  protocol: GroupProtocol;
}

const LIST_GROUPS = 16;
const CONSUMER_GROUP_DESCRIBE = 69;

const protocolOf = (type: string): GroupProtocol =>
  type === 'consumer' || type === 'share' || type === 'streams' ? type : 'classic';

/**
 * The groups a broker coordinates, with their protocol. A broker that answers ListGroups below v5 (before Kafka
 * 3.7) has only classic groups: listed through kafkajs, with `typed: false` so the caller can say so.
 */
export async function listGroups(broker: DirectBroker): Promise<{ groups: ListedGroup[]; typed: boolean }> {
  if ((broker.maxVersion(LIST_GROUPS) ?? 0) < 5) {
    const listed = await broker.listGroups();
    return {
      groups: listed.groups.map((g) => ({ ...g, protocol: 'classic' as const })),
      typed: false,
    };
  }
  const answer = (await broker.send(
    flexibleRequest(
      LIST_GROUPS,
      5,
      'ListGroups',
      (e) =>
        e
          .writeUVarIntArray([]) // states_filter: every state
          .writeUVarIntArray([]) // types_filter: every type
          .writeUVarIntBytes(),
      (d) => {
        d.readInt32(); // throttle_time_ms
        const errorCode = d.readInt16();
        const groups =
          d.readUVarIntArray((g): ListedGroup => {
            const groupId = g.readUVarIntString() ?? '';
            const protocolType = g.readUVarIntString() ?? '';
            g.readUVarIntString(); // group_state
            const protocol = protocolOf(g.readUVarIntString() ?? '');
            g.readTaggedFields();
            return { groupId, protocolType, protocol };
          }) ?? [];
        d.readTaggedFields();
        return { errorCode, groups };
      },
    ),
  )) as { errorCode: number; groups: ListedGroup[] };
  if (answer.errorCode !== 0) throw new Error(`ListGroups: error ${answer.errorCode}`);
  return { groups: answer.groups, typed: true };
}

/** A member of a new-protocol consumer group and the partitions it holds now. */
export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  subscribedTopics: string[];
  assigned: { topic: string; partitions: number[] }[];
  /** What the coordinator's assignor wants it to hold: differs from `assigned` while a rebalance converges. */
  target: { topic: string; partitions: number[] }[];
}

/** A new-protocol consumer group as its coordinator describes it. */
export interface ConsumerGroupDescription extends DescribedGroupHead {
  members: ConsumerMember[];
}

/** A member's assignment as ConsumerGroupDescribe and ShareGroupDescribe write it: topics by id and name. */
export function readAssignment(d: Decoder): { topic: string; partitions: number[] }[] {
  const topics =
    d.readUVarIntArray((t) => {
      t.forward(16); // topic_id (uuid)
      const topic = t.readUVarIntString() ?? '';
      const partitions = t.readUVarIntArray((p) => p.readInt32()) ?? [];
      t.readTaggedFields();
      return { topic, partitions };
    }) ?? [];
  d.readTaggedFields();
  return topics;
}

/** Whether a broker answers ConsumerGroupDescribe (Kafka 3.7 on, where the new protocol exists). */
export const describesConsumerGroups = (broker: DirectBroker): boolean =>
  broker.maxVersion(CONSUMER_GROUP_DESCRIBE) !== undefined;

/** What every describe of the new group protocols (consumer, share, streams) answers first for a group. */
export interface DescribedGroupHead {
  groupId: string;
  errorCode: number;
  errorMessage: string | null;
  state: string;
  groupEpoch: number;
  assignmentEpoch: number;
}

/**
 * One describe request of the new group protocols (ConsumerGroupDescribe, ShareGroupDescribe,
 * StreamsGroupDescribe: the same request body) for groups this broker coordinates; each group's answer after
 * its common head is read by `readRest`, up to its authorized operations.
 */
export async function describeNewGroups<T>(
  broker: DirectBroker,
  request: { apiKey: number; version: number; name: string },
  groupIds: readonly string[],
  readRest: (d: Decoder, head: DescribedGroupHead) => T,
): Promise<T[]> {
  if (groupIds.length === 0) return [];
  return (await broker.send(
    flexibleRequest(
      request.apiKey,
      request.version,
      request.name,
      (e) =>
        e
          .writeUVarIntArray(groupIds.map((g) => encoderOf((x) => x.writeUVarIntString(g))))
          .writeBoolean(false) // include_authorized_operations
          .writeUVarIntBytes(),
      (d) => {
        d.readInt32(); // throttle_time_ms
        const groups =
          d.readUVarIntArray((g): T => {
            const errorCode = g.readInt16();
            const errorMessage = g.readUVarIntString();
            const groupId = g.readUVarIntString() ?? '';
            const state = g.readUVarIntString() ?? '';
            const groupEpoch = g.readInt32();
            const assignmentEpoch = g.readInt32();
            const out = readRest(g, { groupId, errorCode, errorMessage, state, groupEpoch, assignmentEpoch });
            g.readInt32(); // authorized_operations
            g.readTaggedFields();
            return out;
          }) ?? [];
        d.readTaggedFields();
        return groups;
      },
    ),
  )) as T[];
}

/** ConsumerGroupDescribe v0 for groups this broker coordinates, in one request. */
export function describeConsumerGroups(
  broker: DirectBroker,
  groupIds: readonly string[],
): Promise<ConsumerGroupDescription[]> {
  return describeNewGroups(
    broker,
    { apiKey: CONSUMER_GROUP_DESCRIBE, version: 0, name: 'ConsumerGroupDescribe' },
    groupIds,
    (g, head): ConsumerGroupDescription => {
      g.readUVarIntString(); // assignor_name
      const members =
        g.readUVarIntArray((m): ConsumerMember => {
          const memberId = m.readUVarIntString() ?? '';
          const instanceId = m.readUVarIntString();
          m.readUVarIntString(); // rack_id
          const memberEpoch = m.readInt32();
          const clientId = m.readUVarIntString() ?? '';
          const clientHost = m.readUVarIntString() ?? '';
          const subscribedTopics = (m.readUVarIntArray((t) => t.readUVarIntString() ?? '') ?? []).sort();
          m.readUVarIntString(); // subscribed_topic_regex
          const assigned = readAssignment(m);
          const target = readAssignment(m);
          m.readTaggedFields();
          return {
            memberId,
            instanceId,
            clientId,
            clientHost,
            memberEpoch,
            subscribedTopics,
            assigned,
            target,
          };
        }) ?? [];
      return { ...head, members };
    },
  );
}
