import type { FieldValue, Sample } from '../../../../model/src/sample.ts';
import type { KafkaSession } from '../../kafka/session.ts';
import { partitionKey, readLagSnapshot, readableEnd } from '../../kafka/lag.ts';
import type { LagSnapshot, PartitionLog } from '../../kafka/lag.ts';
import { readRecordTimes } from '../../kafka/record-times.ts';
import type { RecordAt } from '../../kafka/record-times.ts';
import { OffsetHistory } from './offset-history.ts';
import { RecordTimeCache } from './record-time-cache.ts';
import { LastSeenGroups } from './last-seen-groups.ts';
import { CommitCadence } from './commit-cadence.ts';
import { behindPositions, positionsByPartition, splitGroups } from './positions.ts';
import type { Cadence } from './commit-cadence.ts';
import type { Source } from '../../source.ts';

/** Which tenant owns a group (or topic); '' when none does. */
export type TenantOf = (group: string) => string;

/**
 * The timestamp (ms) of the first record at or after a partition's offset, when it was read; `end` when only
 * transaction markers lie between that offset and the last stable offset (nothing left to read).
 */
export type RecordTime = (topic: string, partition: number, offset: number) => number | 'end' | undefined;

/**
 * How much of its retention a partition's oldest unread record has used (0..1; 1 once messages were lost). A
 * topic deleting by time loses a record `retention.ms` after it arrived, so the share is the lag in seconds over
 * the retention: a 7-day topic holding 10 minutes of data is nowhere near loss, however much of that log is
 * unread. A topic deleting by size only (retention.ms −1) loses the oldest bytes first: the unread share of the
 * retained log. Unknown retention or lag: 0 (no claim).
 */
export function retentionShare(
  lag: number,
  lost: number,
  log: PartitionLog,
  lagSeconds: number | string | undefined,
  retentionMs: number | undefined,
): number {
  if (lost > 0) return 1;
  if (retentionMs === undefined || lag === 0) return 0;
  if (retentionMs > 0)
    return typeof lagSeconds === 'number' ? Math.min(1, lagSeconds / (retentionMs / 1_000)) : 0;
  const retained = log.end - log.start;
  return retained > 0 ? Math.min(1, lag / retained) : 0;
}

/** A group's commit cadence as `consumer_group` fields (none without a tracker). */
const cadenceFields = (c: Cadence | undefined): Record<string, number> =>
  c === undefined
    ? {}
    : { commit_age_s: c.ageS, ...(c.intervalS === undefined ? {} : { commit_interval_s: c.intervalS }) };

/** A sample's fields while they are filled in. */
type Fields = Record<string, FieldValue>;

/** `fields` with who holds the partition (client id and host) and a share-partition's start offset, where known. */
function heldBy(fields: Fields, c: LagSnapshot['groups'][number]['committed'][number]): Fields {
  if (c.holder !== undefined) {
    fields.client_id = c.holder.clientId;
    fields.client_host = c.holder.clientHost;
  }
  if (c.shareStart !== undefined) fields.share_start_offset = c.shareStart;
  return fields;
}

/**
 * Lag in messages from one snapshot: per partition, per group and per group and topic. A partition without a
 * commit is reported as such (has_commit 0), never as −1 or the whole log; a commit behind log start is
 * reported as lost messages; a group with no members stays while it has commits. Pure, time passed in.
 */
export function lagSamples(
  cluster: string,
  snap: LagSnapshot,
  timeMs: number,
  tenantOf: TenantOf,
  history?: OffsetHistory,
  recordTime: RecordTime = () => undefined,
  retentionMs: (topic: string) => number | undefined = () => undefined,
  cadence?: CommitCadence,
): Sample[] {
  const out: Sample[] = [];
  for (const g of snap.groups) {
    const tenant = tenantOf(g.group);
    let sum = 0;
    let max = 0;
    let lost = 0;
    let partitions = 0;
    let committedSum = 0;
    let secondsMax: number | undefined;
    let retentionUsed = 0;
    const perTopic = new Map<string, { sum: number; max: number }>();
    for (const c of g.committed) {
      const key = partitionKey(c.topic, c.partition);
      const log = snap.logs.get(key);
      const tags = { cluster, group: g.group, topic: c.topic, partition: String(c.partition), tenant };
      // Every commit counts, led or not: a partition leaderless for a cycle (a broker crash) must not read
      // as a rewind of its group.
      if (c.offset >= 0) committedSum += c.offset;
      if (log === undefined) continue; // leader unknown this cycle: no figure rather than a wrong one
      if (c.offset < 0) {
        // Assigned to a member, never committed: reported with the log it would read from (its start or its end,
        // as the consumer's auto.offset.reset decides), not dropped.
        const fields: Fields = { has_commit: 0, log_end_offset: log.end, log_start_offset: log.start };
        out.push({ measurement: 'consumer_lag', tags, fields: heldBy(fields, c), timeMs });
        continue;
      }
      // Behind the last stable offset, not the high watermark: what a read_committed consumer can read (an open
      // transaction's records are not its delay), and 0 when only commit markers are left (`end`).
      const position = Math.max(c.offset, log.start);
      const read = readableEnd(log) > position ? recordTime(c.topic, c.partition, position) : undefined;
      const lag = read === 'end' ? 0 : Math.max(0, readableEnd(log) - position);
      const lostHere = Math.max(0, log.start - c.offset);
      const stamped = lag > 0 && read !== 'end' ? read : undefined;
      // A record stamped (CreateTime) before it could have reached the log was late from its producer: the
      // consumer's delay counts from its arrival, as the log-end history dates it.
      const arrived = stamped === undefined ? undefined : history?.arrival(key, position);
      const late = stamped !== undefined && arrived !== undefined && stamped < arrived.earliestMs;
      const exact = late ? undefined : stamped;
      const fields: Fields = {
        committed_offset: c.offset,
        log_end_offset: log.end,
        log_start_offset: log.start,
        lag_messages: lag,
        lost_messages: lostHere,
        has_commit: 1,
      };
      let lagSeconds: number | undefined;
      if (exact !== undefined) {
        lagSeconds = Math.max(0, (timeMs - exact) / 1000);
        fields.lag_seconds = lagSeconds;
        fields.lag_method = 'exact';
      } else if (read === 'end') {
        lagSeconds = 0;
        fields.lag_seconds = 0;
        fields.lag_method = 'exact';
      } else if (history !== undefined) {
        const behind = history.lagSeconds(key, position, readableEnd(log), timeMs);
        if (behind.method !== 'none') {
          lagSeconds = behind.seconds;
          fields.lag_seconds = lagSeconds;
        }
        fields.lag_method = behind.method;
      }
      out.push({ measurement: 'consumer_lag', tags, fields: heldBy(fields, c), timeMs });
      partitions += 1;
      if (lagSeconds !== undefined) secondsMax = Math.max(secondsMax ?? 0, lagSeconds);
      retentionUsed = Math.max(
        retentionUsed,
        retentionShare(lag, lostHere, log, lagSeconds, retentionMs(c.topic)),
      );
      sum += lag;
      max = Math.max(max, lag);
      lost += lostHere;
      const t = perTopic.get(c.topic) ?? { sum: 0, max: 0 };
      t.sum += lag;
      t.max = Math.max(t.max, lag);
      perTopic.set(c.topic, t);
    }
    out.push({
      measurement: 'consumer_group',
      tags: { cluster, group: g.group, tenant, protocol: g.protocol },
      fields: {
        offsets_age_s: (g.carriedSinceMs === undefined ? 0 : timeMs - g.carriedSinceMs) / 1000,
        state: g.state,
        members: g.members,
        ...(g.assignedPartitions === undefined ? {} : { assigned_partitions: g.assignedPartitions }),
        ...(g.rebalancing === undefined ? {} : { rebalancing: g.rebalancing ? 1 : 0 }),
        ...(g.epochs === undefined
          ? {}
          : { group_epoch: g.epochs.group, assignment_epoch: g.epochs.assignment }),
        partitions,
        lag_messages_sum: sum,
        lag_messages_max: max,
        lost_messages_sum: lost,
        committed_offset_sum: committedSum,
        ...cadenceFields(cadence?.observe(g.group, committedSum, timeMs)),
        retention_used_ratio_max: retentionUsed,
        ...(secondsMax === undefined ? {} : { lag_seconds_max: secondsMax }),
      },
      timeMs,
    });
    for (const [topic, t] of perTopic) {
      out.push({
        measurement: 'consumer_group_topic',
        tags: { cluster, group: g.group, topic, tenant },
        fields: { lag_messages_sum: t.sum, lag_messages_max: t.max },
        timeMs,
      });
    }
  }
  return out;
}

/**
 * One `partition_offsets` sample per partition (its log start, end and last stable offset, its produce rate
 * when known), one `open_transaction` sample per partition a transaction holds back, and
 * one `topic_offsets` sample per topic: the sums a topic's and a tenant's panels read without adding up
 * every partition at query time (its rate only once every partition has one).
 */
export function offsetSamples(
  cluster: string,
  snap: LagSnapshot,
  timeMs: number,
  history: OffsetHistory,
): Sample[] {
  const topics = new Map<string, { retained: number; rate: number; unrated: number }>();
  const out: Sample[] = [...snap.logs].map(([key, log]) => {
    const [topic = '', partition = ''] = key.split('\u0000');
    const rate = history.rate(key);
    let t = topics.get(topic);
    if (t === undefined) {
      t = { retained: 0, rate: 0, unrated: 0 };
      topics.set(topic, t);
    }
    t.retained += log.end - log.start;
    if (rate === undefined) t.unrated += 1;
    else t.rate += rate;
    return {
      measurement: 'partition_offsets',
      tags: { cluster, topic, partition },
      fields: {
        log_end_offset: log.end,
        log_start_offset: log.start,
        last_stable_offset: readableEnd(log),
        open_transaction_messages: log.end - readableEnd(log),
        ...(rate === undefined ? {} : { messages_per_s: rate }),
      },
      timeMs,
    };
  });
  for (const [key, log] of snap.logs) {
    if (log.stable === undefined) continue;
    const [topic = '', partition = ''] = key.split('\u0000');
    const open = history.lagSeconds(key, log.stable, log.end, timeMs);
    const txn = snap.transactions.get(key);
    out.push({
      measurement: 'open_transaction',
      tags: {
        cluster,
        topic,
        partition,
        transactional_id: txn?.transactionalId ?? '',
        producer_id: txn?.producerId ?? '',
      },
      fields: {
        messages: log.end - log.stable,
        age_s: open.method === 'none' ? 0 : open.seconds,
        ...(txn === undefined ? {} : { last_write_s: Math.max(0, (timeMs - txn.lastWriteMs) / 1000) }),
      },
      timeMs,
    });
  }
  for (const [topic, t] of topics)
    out.push({
      measurement: 'topic_offsets',
      tags: { cluster, topic },
      fields: {
        retained_messages: t.retained,
        ...(t.unrated === 0 ? { messages_per_s: t.rate } : {}),
      },
      timeMs,
    });
  return out;
}

/** A source that reads every group's lag through the admin API; it keeps the offset history across cycles. */
export function consumerLagSource(
  cluster: string,
  session: KafkaSession,
  tenantOf: TenantOf = () => '',
  exactBudget = 1000,
  retentionMs: (topic: string) => number | undefined = () => undefined,
): Source {
  const history = new OffsetHistory();
  const recordTimes = new RecordTimeCache();
  const lastSeen = new LastSeenGroups();
  const cadence = new CommitCadence();
  return {
    cluster,
    target: `consumer groups ${session.endpoint.brokers.join(',')}`,
    kind: 'lag',
    async collect(nowMs) {
      const snap = lastSeen.fill(await readLagSnapshot(session), nowMs);
      for (const [key, log] of snap.logs) history.record(key, log.end, nowMs);
      const positions = behindPositions(snap);
      const toRead = recordTimes.toRead(positions, exactBudget);
      // The record times not known yet are fetched while the groups that wait on none of them are reckoned: the
      // brokers read their logs while this process builds samples (the requests go out before the first group).
      const reading = toRead.length === 0 ? undefined : readRecordTimes(session, toRead);
      if (reading !== undefined) {
        reading.catch(() => undefined); // awaited below, after the groups it does not hold back
        await new Promise((resolve) => setImmediate(resolve));
      }
      // The known record times of this cycle's positions (the only ones asked for), by partition and offset.
      const timeAt = new Map<string, Map<number, number | 'end'>>();
      const know = (p: RecordAt, time: number | 'end' | undefined): void => {
        if (time === undefined) return;
        const at = partitionKey(p.topic, p.partition);
        const offsets = timeAt.get(at) ?? new Map<number, number | 'end'>();
        timeAt.set(at, offsets.set(p.offset, time));
      };
      for (const p of positions) know(p, recordTimes.get(p.key));
      const recordTime: RecordTime = (topic, partition, offset) =>
        timeAt.get(partitionKey(topic, partition))?.get(offset);
      const waitsOn = positionsByPartition(toRead);
      const [now, later] = splitGroups(snap, waitsOn);
      const samples = (groups: LagSnapshot['groups']): Sample[] =>
        lagSamples(cluster, { ...snap, groups }, nowMs, tenantOf, history, recordTime, retentionMs, cadence);
      const reckoned = samples(now).concat(offsetSamples(cluster, snap, nowMs, history));
      const read = await reading;
      snap.rpcs.fetch += read?.fetches ?? 0;
      snap.errors.push(...(read?.errors ?? []));
      snap.notes.push(...(read?.notes ?? []));
      recordTimes.update(read?.times ?? new Map<string, number>(), new Set(positions.map((p) => p.key)));
      for (const p of toRead) know(p, read?.markersOnly.has(p.key) === true ? 'end' : read?.times.get(p.key));
      const first = snap.errors[0];
      cadence.retain(new Set(snap.groups.map((g) => g.group)));
      return {
        samples: reckoned.concat(samples(later)),
        exposed: snap.groups.length,
        errorCount: snap.errors.length,
        ...(first === undefined ? {} : { firstError: first }),
        ...(snap.notes.length === 0 ? {} : { note: snap.notes.join('; ') }),
      };
    },
  };
}
