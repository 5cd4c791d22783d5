import type { BrokerAddress } from './brokers.ts';
import { partitionKey } from './lag.ts';
import { explainKafkaError, securityCause } from './errors.ts';
import type { KafkaSession } from './session.ts';

/** A record position whose timestamp is wanted, and the broker leading its partition. */
export interface RecordAt {
  topic: string;
  partition: number;
  offset: number;
  leader: BrokerAddress;
  /** Where a read_committed consumer can read up to (the last stable offset): markers only before it is no lag. */
  end?: number;
}

/** The key of a record position: partition and offset. */
export const recordKey = (topic: string, partition: number, offset: number): string =>
  `${partitionKey(topic, partition)}\u0000${offset}`;

/** Bytes asked per partition: a record batch larger than this (and not first in the answer) is not read. */
const PARTITION_BYTES = 64 * 1024;

/**
 * The timestamp (ms) of the first record at or after each wanted offset, read by Fetch from each
 * partition's leader: one request per leader and round, a partition at most once per request (several
 * offsets of one partition take several rounds). Batches of every codec are read (`codecs.ts`). Transaction
 * markers are skipped: a position followed by nothing but markers up to its `end` is in `markersOnly` (a
 * read_committed consumer there has read everything). Positions that could not be read (batch too large,
 * leader gone) are absent and reported in `errors`; `fetches` counts requests.
 */
export async function readRecordTimes(
  session: KafkaSession,
  wanted: readonly RecordAt[],
): Promise<{
  times: Map<string, number>;
  markersOnly: Set<string>;
  errors: string[];
  notes: string[];
  fetches: number;
}> {
  const times = new Map<string, number>();
  const markersOnly = new Set<string>();
  const errors: string[] = [];
  let fetches = 0;
  const byLeader = new Map<number, { leader: BrokerAddress; rounds: Map<string, RecordAt>[] }>();
  for (const w of wanted) {
    const entry = byLeader.get(w.leader.nodeId) ?? { leader: w.leader, rounds: [] };
    byLeader.set(w.leader.nodeId, entry);
    const key = partitionKey(w.topic, w.partition);
    let round = entry.rounds.find((r) => !r.has(key));
    if (round === undefined) {
      round = new Map();
      entry.rounds.push(round);
    }
    round.set(key, w);
  }
  const results = await session.eachBroker(
    [...byLeader.values()].map((e) => e.leader),
    async (broker) => {
      for (const round of byLeader.get(broker.nodeId)?.rounds ?? []) {
        const byTopic = new Map<string, RecordAt[]>();
        for (const w of round.values()) byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), w]);
        fetches += 1;
        const answer = await broker.fetch({
          replicaId: -1,
          isolationLevel: 0,
          maxWaitTime: 0,
          minBytes: 0,
          maxBytes: 8 * 1024 * 1024,
          topics: [...byTopic].map(([topic, list]) => ({
            topic,
            partitions: list.map((w) => ({
              partition: w.partition,
              fetchOffset: String(w.offset),
              maxBytes: PARTITION_BYTES,
            })),
          })),
        });
        for (const t of answer.responses) {
          for (const p of t.partitions) {
            const w = round.get(partitionKey(t.topicName, p.partition));
            if (w === undefined) continue;
            const after = p.messages.filter((m) => Number(m.offset) >= w.offset);
            const first = after.find((m) => m.isControlRecord !== true);
            const last = after.at(-1);
            if (
              p.errorCode === 0 &&
              first === undefined &&
              last !== undefined &&
              w.end !== undefined &&
              Number(last.offset) >= w.end - 1
            ) {
              markersOnly.add(recordKey(w.topic, w.partition, w.offset));
              continue;
            }
            if (p.errorCode !== 0 || first === undefined) {
              errors.push(
                `Fetch ${w.topic}/${w.partition}@${w.offset}: ${p.errorCode !== 0 ? `error ${p.errorCode}` : 'no record read'}`,
              );
              continue;
            }
            times.set(recordKey(w.topic, w.partition, w.offset), Number(first.timestamp));
          }
        }
      }
    },
  );
  const notes: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      const leader = [...byLeader.values()][i]?.leader.nodeId;
      // Read on tenants' topics is beyond the least privilege: without it, lag in seconds is extrapolated.
      if (securityCause(r.reason, session.endpoint) !== undefined)
        notes.push(
          `lag in seconds extrapolated on broker ${leader}: reading the record at a group's position was refused (${explainKafkaError(r.reason, session.endpoint)}); grant Read on the topics for exact`,
        );
      else errors.push(`Fetch on broker ${leader}: ${(r.reason as Error).message}`);
    }
  });
  return { times, markersOnly, errors, notes, fetches };
}
