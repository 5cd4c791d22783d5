import type { Source } from './source.ts';

/** The Kafka sources of a cluster: one unit, since they share the cluster's connections. */
const clusterKinds = new Set<Source['kind']>(['liveness', 'admin', 'disk', 'lag', 'probe']);

/** The work unit a source belongs to: its cluster's Kafka sources together, each agent and host on its own. */
export function unitOf(source: Source): string {
  if (clusterKinds.has(source.kind)) return `cluster ${source.cluster}`;
  return `${source.kind} ${source.cluster} ${source.broker ?? source.target}`;
}

/**
 * The fleet's units, in the order every member derives from the same config: the clusters' Kafka units first (the
 * heaviest, so the round robin spreads them before the rest), then the agents and hosts, each by name.
 */
export function fleetUnits(sources: readonly Source[]): string[] {
  const all = [...new Set(sources.map(unitOf))];
  const heavy = all.filter((u) => u.startsWith('cluster ')).sort();
  const light = all.filter((u) => !u.startsWith('cluster ')).sort();
  return [...heavy, ...light];
}

/** What this member holds, as `/healthz`, `/metrics` and `lookout collect status` show it. */
export interface FleetState {
  group: string;
  member: string;
  memberId?: string;
  generation?: number;
  /** Units held now: none while a rebalance runs. */
  units: string[];
  /** Every unit of the fleet. */
  total: number;
  /** Set while the group cannot be reached: this member collects every unit rather than none. */
  failOpen?: boolean;
}

/**
 * Which sources this member collects now: those of the units the group gave it. Until the first assignment, and
 * for the whole of a rebalance, none.
 */
export class FleetOwnership {
  /** Each unit held, and since when (ms). */
  private held = new Map<string, number>();
  private state: FleetState;

  constructor(
    private readonly units: readonly string[],
    group: string,
    member: string,
  ) {
    this.state = { group, member, units: [], total: units.length };
  }

  /** A new assignment (unit indexes) at `nowMs`, or none while the group rebalances. */
  assign(
    assignment: { memberId: string; generation?: number; units: readonly number[] } | undefined,
    nowMs: number,
  ): void {
    const names = (assignment?.units ?? []).flatMap((i) => this.units[i] ?? []);
    this.held = new Map(names.map((u) => [u, this.held.get(u) ?? nowMs]));
    this.state = {
      group: this.state.group,
      member: this.state.member,
      ...(assignment === undefined ? {} : { memberId: assignment.memberId }),
      ...(assignment?.generation === undefined ? {} : { generation: assignment.generation }),
      units: names,
      total: this.units.length,
    };
  }

  /**
   * The group has been out of reach too long: collect every unit (other members may too; their points are the
   * same points, so InfluxDB keeps one of each) rather than leave the platform unwatched.
   */
  failOpen(nowMs: number): void {
    this.held = new Map(this.units.map((u) => [u, this.held.get(u) ?? nowMs]));
    this.state = {
      group: this.state.group,
      member: this.state.member,
      units: [...this.units],
      total: this.units.length,
      failOpen: true,
    };
  }

  /**
   * Whether this member holds `source`'s unit now, and, given `sinceMs` (the start of the interval a tick
   * collects), held it since then: a unit taken over in the middle of an interval is first collected at the next
   * tick, as its previous holder may have collected this one.
   */
  owns(source: Source, sinceMs?: number): boolean {
    const since = this.held.get(unitOf(source));
    return since !== undefined && (sinceMs === undefined || since <= sinceMs);
  }

  current(): FleetState {
    return this.state;
  }
}
