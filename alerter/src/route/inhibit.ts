import { z } from 'zod';
import { durationSchema as duration } from '../../../model/src/duration.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import { matcherSchema, matchesAll, parseMatcher } from './matchers.ts';
import type { Matchable } from './matchers.ts';

export const inhibitRuleSchema = z
  .object({
    /** The cause: alerts matching these, in one of the `while` phases. */
    source: z.array(matcherSchema).min(1),
    /** The effects it hides, where the `equal` labels have the same values. */
    target: z.array(matcherSchema).min(1),
    equal: z.array(z.string().min(1)).default(['cluster']),
    /** Phases of the source that inhibit: a broker missing from the metadata explains its effects while pending. */
    while: z
      .array(z.enum(['pending', 'firing']))
      .min(1)
      .default(['pending', 'firing']),
    /** How long the effects stay hidden after the source is gone (replicas catching up after a restart). */
    hold: duration.default(120_000),
    /** A platform incident: tenants it affects get one "platform incident" email instead of their own alerts. */
    incident: z.boolean().default(false),
  })
  .strict();

/** One inhibition rule. */
export type InhibitRule = z.output<typeof inhibitRuleSchema>;

const causes = 'KafkaBrokerDown|KafkaBrokerHung|KafkaBrokerRestartOverdue|LookoutDataStale';
/** What a broker away (crashed, hung or restarting) causes on its cluster. */
const effects =
  'alertname=~"KafkaOfflinePartitions|KafkaUnderReplicated|KafkaUnderMinIsr|KafkaIsrShrinking|KafkaLeaderImbalance|KafkaProbe.*|KafkaSlowBroker.*|KafkaBrokerMetricsMissing|KafkaActiveControllerCount"';

/**
 * The Kafka-aware defaults: a broker crashed, hung or not back from its restart, or a cluster Lookout cannot
 * see, hides on that cluster the replication, probe and imbalance alerts it causes, and tenants' own alerts
 * there, whose owners get one platform-incident email instead. A broker restarting by a controlled shutdown
 * (KafkaBrokerRestarting, within its grace) hides the same and tells nobody: a planned restart pages nothing
 * and emails nobody. A consumer group that is not reading is told why (stalled, stopped, without members), not
 * also that it is behind.
 */
export const defaultInhibitRules: InhibitRule[] = [
  {
    source: [parseMatcher(`alertname=~"${causes}|KafkaBrokerRestarting"`)],
    target: [parseMatcher(effects)],
    equal: ['cluster'],
    while: ['pending', 'firing'],
    hold: 120_000,
    incident: false,
  },
  {
    source: [parseMatcher(`alertname=~"${causes}"`)],
    target: [parseMatcher('audience="tenant"')],
    equal: ['cluster'],
    while: ['pending', 'firing'],
    hold: 120_000,
    incident: true,
  },
  {
    source: [parseMatcher('alertname="KafkaBrokerRestarting"')],
    target: [parseMatcher('audience="tenant"')],
    equal: ['cluster'],
    while: ['pending', 'firing'],
    hold: 120_000,
    incident: false,
  },
  // A group that does not read (stuck, stopped, without members) is told that, once: not also "behind".
  {
    source: [parseMatcher('alertname=~"ConsumerStalled|ConsumerStopped|ConsumerGroupWithoutMembers"')],
    target: [
      parseMatcher(
        'alertname=~"ConsumerLagHigh|ConsumerLagMessagesHigh|ConsumerLagGrowing|ShareGroupBacklogHigh"',
      ),
    ],
    equal: ['cluster', 'group'],
    while: ['pending', 'firing'],
    hold: 0,
    incident: false,
  },
];

/** What hides an alert: the source alert (as last seen) and the rule. */
export interface Inhibition {
  source: TrackedAlert;
  rule: number;
}

const asMatchable = (a: TrackedAlert): Matchable => ({ labels: a.labels, audience: a.audience });

/**
 * Inhibition with memory: a source seen active keeps hiding its effects for `hold` after it is gone (even a
 * pending broker-down that never fired and was dropped). Time is an argument.
 */
export class Inhibitor {
  private readonly seen = new Map<string, { atMs: number; source: TrackedAlert; rule: number }>();

  constructor(private readonly rules: readonly InhibitRule[]) {}

  /** Which alerts are inhibited now, and by what. */
  evaluate(alerts: readonly TrackedAlert[], nowMs: number): Map<string, Inhibition> {
    const keyOf = (ri: number, a: TrackedAlert): string =>
      `${ri}\u0000${(this.rules[ri]?.equal ?? []).map((l) => a.labels[l] ?? '').join('\u0000')}`;
    this.rules.forEach((r, ri) => {
      for (const a of alerts)
        if ((r.while as string[]).includes(a.phase) && matchesAll(r.source, asMatchable(a)))
          this.seen.set(keyOf(ri, a), { atMs: nowMs, source: a, rule: ri });
    });
    for (const [k, s] of this.seen) if (nowMs - s.atMs > (this.rules[s.rule]?.hold ?? 0)) this.seen.delete(k);
    const out = new Map<string, Inhibition>();
    if (this.seen.size === 0) return out;
    this.rules.forEach((r, ri) => {
      for (const a of alerts) {
        if (out.has(a.fingerprint) || a.phase === 'resolved') continue;
        const m = asMatchable(a);
        if (!matchesAll(r.target, m) || matchesAll(r.source, m)) continue;
        const s = this.seen.get(keyOf(ri, a));
        if (s !== undefined) out.set(a.fingerprint, { source: s.source, rule: ri });
      }
    });
    return out;
  }

  /** Whether an alert is the source of a platform incident (it may hide nothing yet, but affects topics). */
  isIncidentSource(a: TrackedAlert): boolean {
    return this.rules.some((r) => r.incident && matchesAll(r.source, asMatchable(a)));
  }

  /** Whether a rule marks a platform incident. */
  isIncident(rule: number): boolean {
    return this.rules[rule]?.incident === true;
  }
}
