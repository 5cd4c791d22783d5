import { answerError } from './errors.ts';
import type { DirectBroker } from './brokers.ts';
import { encoderOf, flexibleRequest } from './wire.ts';
import type { Decoder } from './wire.ts';

/**
 * The active controller: the leader of the KRaft metadata quorum, by DescribeQuorum v1 (a broker forwards it
 * to the controllers). Metadata's controller id cannot tell: under KRaft it names a random live broker. -1 when
 * the quorum has no leader; throws where the cluster has no KRaft quorum to ask (ZooKeeper mode).
 */
export async function readQuorumLeader(broker: DirectBroker): Promise<number> {
  return (await broker.send(
    flexibleRequest(
      55,
      1,
      'DescribeQuorum',
      (e) =>
        e
          .writeUVarIntArray([
            encoderOf((t) =>
              t
                .writeUVarIntString('__cluster_metadata')
                .writeUVarIntArray([encoderOf((p) => p.writeInt32(0).writeUVarIntBytes())])
                .writeUVarIntBytes(),
            ),
          ])
          .writeUVarIntBytes(),
      (d): number => {
        const error = d.readInt16();
        if (error !== 0) throw answerError('DescribeQuorum', error);
        let leader = -1;
        d.readUVarIntArray((t) => {
          t.readUVarIntString(); // topic_name
          t.readUVarIntArray((p) => {
            p.readInt32(); // partition_index
            const partitionError = p.readInt16();
            const id = p.readInt32();
            if (partitionError === 0 && leader < 0) leader = id;
            p.readInt32(); // leader_epoch
            p.readInt64(); // high_watermark
            const replica = (r: Decoder): void => {
              r.readInt32(); // replica_id
              r.readInt64(); // log_end_offset
              r.readInt64(); // last_fetch_timestamp
              r.readInt64(); // last_caught_up_timestamp
              r.readTaggedFields();
            };
            p.readUVarIntArray(replica); // current_voters
            p.readUVarIntArray(replica); // observers
            p.readTaggedFields();
          });
          t.readTaggedFields();
        });
        d.readTaggedFields();
        return leader;
      },
    ),
  )) as number;
}
