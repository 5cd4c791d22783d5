import type { BrokerAddress, DirectBroker } from './brokers.ts';
import { encoderOf, flexibleRequest } from './wire.ts';

/**
 * Consumer-group requests batched the way kafkajs 2.2's admin does not: FindCoordinator v4 for every group
 * in one request (KIP-699), and OffsetFetch v8 for every group of a coordinator in one request (KIP-709).
 * Both are in every Kafka from 3.0 on.
 */

/** The coordinator of each group; groups whose lookup failed are in `errors`. */
export async function findCoordinators(
  broker: DirectBroker,
  groups: readonly string[],
): Promise<{ coordinators: Map<string, BrokerAddress>; errors: string[] }> {
  const coordinators = new Map<string, BrokerAddress>();
  const errors: string[] = [];
  if (groups.length === 0) return { coordinators, errors };
  const answer = (await broker.send(
    flexibleRequest(
      10,
      4,
      'FindCoordinator',
      (e) =>
        e
          .writeInt8(0) // key_type: group
          .writeUVarIntArray(groups.map((g) => encoderOf((x) => x.writeUVarIntString(g))))
          .writeUVarIntBytes(),
      (d) => {
        d.readInt32(); // throttle_time_ms
        const list =
          d.readUVarIntArray((c) => {
            const key = c.readUVarIntString() ?? '';
            const nodeId = c.readInt32();
            const host = c.readUVarIntString() ?? '';
            const port = c.readInt32();
            const errorCode = c.readInt16();
            const message = c.readUVarIntString();
            c.readTaggedFields();
            return { key, nodeId, host, port, errorCode, message };
          }) ?? [];
        d.readTaggedFields();
        return list;
      },
    ),
  )) as {
    key: string;
    nodeId: number;
    host: string;
    port: number;
    errorCode: number;
    message: string | null;
  }[];
  for (const c of answer) {
    if (c.errorCode === 0) coordinators.set(c.key, { nodeId: c.nodeId, host: c.host, port: c.port });
    else errors.push(`FindCoordinator ${c.key}: error ${c.errorCode}${c.message ? ` (${c.message})` : ''}`);
  }
  return { coordinators, errors };
}

/** One group's committed offsets (offset -1: none), or its error code (its own, else a partition's). */
export interface GroupCommits {
  group: string;
  errorCode: number;
  committed: { topic: string; partition: number; offset: number }[];
}

/** Every committed offset of each of `groups` (all their topics), from their coordinator, in one request. */
export async function fetchGroupOffsets(
  broker: DirectBroker,
  groups: readonly string[],
): Promise<GroupCommits[]> {
  if (groups.length === 0) return [];
  return (await broker.send(
    flexibleRequest(
      9,
      8,
      'OffsetFetch',
      (e) =>
        e
          .writeUVarIntArray(
            groups.map((g) =>
              encoderOf((x) =>
                x
                  .writeUVarIntString(g)
                  .writeUVarInt(0) // topics: null, all of them
                  .writeUVarIntBytes(),
              ),
            ),
          )
          .writeBoolean(false) // require_stable
          .writeUVarIntBytes(),
      (d) => {
        d.readInt32(); // throttle_time_ms
        const out =
          d.readUVarIntArray((g): GroupCommits => {
            const group = g.readUVarIntString() ?? '';
            const committed: GroupCommits['committed'] = [];
            let partitionError = 0;
            g.readUVarIntArray((t) => {
              const topic = t.readUVarIntString() ?? '';
              t.readUVarIntArray((p) => {
                const partition = p.readInt32();
                const offset = Number(p.readInt64());
                p.readInt32(); // committed_leader_epoch
                p.readUVarIntString(); // metadata
                const errorCode = p.readInt16();
                p.readTaggedFields();
                if (errorCode === 0) committed.push({ topic, partition, offset });
                else partitionError ||= errorCode;
              });
              t.readTaggedFields();
            });
            // A partition that could not be read makes the group's read partial: reported as the group's
            // error (its last whole read is carried), never as a smaller sum that reads as a rewind.
            const errorCode = g.readInt16() || partitionError;
            g.readTaggedFields();
            return { group, errorCode, committed };
          }) ?? [];
        d.readTaggedFields();
        return out;
      },
    ),
  )) as GroupCommits[];
}
