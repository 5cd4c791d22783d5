import type { DirectBroker } from './brokers.ts';
import { encoderOf, flexibleRequest } from './wire.ts';

/**
 * Who holds a partition's last stable offset back (KIP-664): DescribeProducers on the partition's leader names
 * the producer whose open transaction started there, ListTransactions on each transaction coordinator (every
 * broker) names the transactional id of that producer. Asked only for partitions whose last stable offset is
 * below their high watermark.
 */

const DESCRIBE_PRODUCERS = 61;
const LIST_TRANSACTIONS = 66;

/** A producer with a transaction open on a partition, as the partition's leader sees it. */
export interface OpenTransaction {
  topic: string;
  partition: number;
  producerId: string;
  /** The offset its open transaction started at: the partition's last stable offset when it is the oldest. */
  startOffset: number;
  /** When it last wrote to the partition (ms). */
  lastWriteMs: number;
}

/** One transaction as its coordinator lists it. */
export interface ListedTransaction {
  transactionalId: string;
  producerId: string;
  state: string;
}

/** Whether a broker answers DescribeProducers and ListTransactions (Kafka 2.8 on). */
export const describesTransactions = (broker: DirectBroker): boolean =>
  broker.maxVersion(DESCRIBE_PRODUCERS) !== undefined && broker.maxVersion(LIST_TRANSACTIONS) !== undefined;

/** DescribeProducers v0 for partitions this broker leads: the open transactions on each (one request). */
export async function describeOpenTransactions(
  broker: DirectBroker,
  partitions: readonly { topic: string; partition: number }[],
): Promise<{ open: OpenTransaction[]; errors: string[] }> {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const errors: string[] = [];
  const open = (await broker.send(
    flexibleRequest(
      DESCRIBE_PRODUCERS,
      0,
      'DescribeProducers',
      (e) =>
        e
          .writeUVarIntArray(
            [...byTopic].map(([topic, list]) =>
              encoderOf((t) =>
                t
                  .writeUVarIntString(topic)
                  .writeUVarIntArray(list.map((p) => encoderOf((x) => x.writeInt32(p))))
                  .writeUVarIntBytes(),
              ),
            ),
          )
          .writeUVarIntBytes(),
      (d) => {
        d.readInt32(); // throttle_time_ms
        const out: OpenTransaction[] = [];
        d.readUVarIntArray((t) => {
          const topic = t.readUVarIntString() ?? '';
          t.readUVarIntArray((p) => {
            const partition = p.readInt32();
            const errorCode = p.readInt16();
            const message = p.readUVarIntString();
            if (errorCode !== 0)
              errors.push(
                `DescribeProducers ${topic}/${partition}: error ${errorCode}${message ? ` (${message})` : ''}`,
              );
            p.readUVarIntArray((s) => {
              const producerId = s.readInt64().toString();
              s.readInt32(); // producer_epoch
              s.readInt32(); // last_sequence
              const lastWriteMs = Number(s.readInt64());
              s.readInt32(); // coordinator_epoch
              const startOffset = Number(s.readInt64());
              s.readTaggedFields();
              if (startOffset >= 0) out.push({ topic, partition, producerId, startOffset, lastWriteMs });
            });
            p.readTaggedFields();
          });
          t.readTaggedFields();
        });
        d.readTaggedFields();
        return out;
      },
    ),
  )) as OpenTransaction[];
  return { open, errors };
}

/** ListTransactions v0 on one broker: the transactions it coordinates that are still open (Ongoing, Prepare*). */
export async function listOpenTransactions(broker: DirectBroker): Promise<ListedTransaction[]> {
  const answer = (await broker.send(
    flexibleRequest(
      LIST_TRANSACTIONS,
      0,
      'ListTransactions',
      (e) =>
        e
          .writeUVarIntArray(
            ['Ongoing', 'PrepareCommit', 'PrepareAbort'].map((s) =>
              encoderOf((x) => x.writeUVarIntString(s)),
            ),
          )
          .writeUVarIntArray([]) // producer_id_filters: every producer
          .writeUVarIntBytes(),
      (d) => {
        d.readInt32(); // throttle_time_ms
        const errorCode = d.readInt16();
        d.readUVarIntArray((u) => u.readUVarIntString()); // unknown_state_filters
        const transactions =
          d.readUVarIntArray((t): ListedTransaction => {
            const transactionalId = t.readUVarIntString() ?? '';
            const producerId = t.readInt64().toString();
            const state = t.readUVarIntString() ?? '';
            t.readTaggedFields();
            return { transactionalId, producerId, state };
          }) ?? [];
        d.readTaggedFields();
        return { errorCode, transactions };
      },
    ),
  )) as { errorCode: number; transactions: ListedTransaction[] };
  if (answer.errorCode !== 0) throw new Error(`ListTransactions: error ${answer.errorCode}`);
  return answer.transactions;
}
