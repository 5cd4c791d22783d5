import type { Labels } from '../../../model/src/labels.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { GroupLag } from '../group-lag.ts';
import { iso } from './answers.ts';
import type { Caller } from './auth.ts';

/** Burrow's words for a group's state, worst first. */
const statuses = ['ERR', 'STOP', 'STALL', 'REWIND', 'WARN', 'OK'] as const;

/** The status an alert of the pack says of its group, Burrow's way. */
function statusOf(rule: string): (typeof statuses)[number] {
  if (rule === 'ConsumerLostMessages') return 'ERR';
  if (rule === 'ConsumerStopped' || rule === 'ConsumerGroupWithoutMembers') return 'STOP';
  if (rule === 'ConsumerStalled') return 'STALL';
  if (rule === 'ConsumerRewound') return 'REWIND';
  return 'WARN';
}

/** `{ key: value }`, or nothing for an empty value (a group nobody owns has no owner field). */
const some = (key: string, value: string): Record<string, string> => (value === '' ? {} : { [key]: value });

/**
 * GET /api/lag/CLUSTER/GROUP, as Burrow's `/v3/kafka/CLUSTER/consumer/GROUP/lag` answers: the group's status (the
 * worst that its alerts now holding — pending or firing — say: ERR lost messages, STOP stopped or without members,
 * STALL, REWIND, WARN behind or growing, else OK), those alerts, and per partition the committed and end offsets
 * with the lag in messages and seconds and how it was had. A tenant token sees its own groups only, and of those
 * only the partitions of its own topics and of topics nobody owns (the others are counted, not named).
 */
export function lagAnswer(
  caller: Exclude<Caller, { role: 'none' }>,
  lag: GroupLag,
  alerts: readonly TrackedAlert[],
  ownerOf: (labels: Labels) => string,
): Record<string, unknown> {
  const holding = alerts.filter(
    (a) =>
      (a.phase === 'pending' || a.phase === 'firing') &&
      a.labels.cluster === lag.cluster &&
      a.labels.group === lag.group &&
      (a.rule.startsWith('Consumer') || a.rule === 'ShareGroupBacklogHigh'),
  );
  const status = holding
    .map((a) => statusOf(a.rule))
    .sort((a, b) => statuses.indexOf(a) - statuses.indexOf(b))[0];
  const shown =
    caller.role === 'operator'
      ? lag.partitions
      : lag.partitions.filter((p) => {
          const owner = ownerOf({ cluster: lag.cluster, topic: p.topic });
          return owner === '' || owner === caller.tenant;
        });
  // The reading as stored, in the API's words (camelCase, as every other answer), a tenant's partitions filtered.
  const { partitions, atMs, ...group } = lag;
  return {
    ...group,
    ...some('owner', ownerOf({ cluster: lag.cluster, group: lag.group })),
    status: status ?? 'OK',
    alerts: holding.map((a) => ({ rule: a.rule, phase: a.phase })),
    at: iso(atMs),
    partitions: shown,
    ...(shown.length === partitions.length
      ? {}
      : { otherTenantsPartitions: partitions.length - shown.length }),
  };
}
