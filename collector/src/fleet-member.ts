import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { CollectorConfig } from './config.ts';
import { FleetOwnership, fleetUnits, unitOf } from './fleet.ts';
import type { FleetState } from './fleet.ts';
import { explainKafkaError } from './kafka/errors.ts';
import { joinFleetGroup } from './kafka/fleet-group.ts';
import type { SelfMetrics } from './self-metrics.ts';
import type { Source } from './source.ts';
import { kafkaEndpoint } from './targets.ts';

/** This collector as a member of its fleet: what it holds, and how to leave. */
export interface FleetMember {
  member: string;
  owns(source: Source, sinceMs?: number): boolean;
  state(): FleetState;
  leave(): Promise<void>;
}

/**
 * Joins the fleet `config.coordination` names, sharing out the units of `sources`. Every change of assignment is
 * logged and shown in `metrics`; the sources of units taken away are closed (a probe's loop, a liveness session),
 * to start again where they are given next.
 */
export async function joinFleet(
  config: CollectorConfig,
  env: NodeJS.ProcessEnv,
  sources: readonly Source[],
  metrics: SelfMetrics,
  log: Logger,
): Promise<FleetMember | undefined> {
  const coordination = config.coordination;
  if (coordination === undefined) return undefined;
  const member = coordination.member ?? `${hostname()}-${process.pid}`;
  const units = fleetUnits(sources);
  const ownership = new FleetOwnership(units, coordination.group, member);
  const labels = { group: coordination.group, member };
  let lastHeld = Date.now();
  metrics.fleetGeneration.set(labels, -1);
  const endpoint = { ...kafkaEndpoint(coordination, env), clientId: `${coordination.client_id}-${member}` };
  const joining = joinFleetGroup(endpoint, {
    group: coordination.group,
    topic: coordination.topic,
    units: units.length,
    sessionTimeoutMs: coordination.session_timeout,
    onAssignment(assignment) {
      const before = new Set(ownership.current().units);
      // Failed open, a member gives its units up only for an assignment, not for another rebalance.
      if (assignment !== undefined || ownership.current().failOpen !== true)
        ownership.assign(assignment, Date.now());
      if (assignment !== undefined) lastHeld = Date.now();
      const now = ownership.current();
      metrics.fleetUnits.reset();
      for (const unit of now.units) metrics.fleetUnits.set({ ...labels, unit }, 1);
      metrics.fleetGeneration.set(labels, now.generation ?? -1);
      for (const source of sources)
        if (before.has(unitOf(source)) && !ownership.owns(source)) void source.close?.();
      if (assignment === undefined) log.info({ fleet: now }, 'fleet rebalancing: holding no unit');
      else log.info({ fleet: now }, `fleet: holding ${now.units.length} of ${now.total} units`);
    },
    onError: (message) => log.warn(message),
  });
  const group = await joining.catch((error: unknown) => {
    const where = `${coordination.group} on ${coordination.bootstrap.join(',')}`;
    throw new Error(`cannot join the collector fleet ${where}: ${explainKafkaError(error, endpoint)}`);
  });
  log.info({ group: coordination.group, member, units: units.length }, 'joined the collector fleet');
  // Held nothing for three session timeouts (the coordination cluster away, not a rebalance): collect everything.
  const watchdog = setInterval(() => {
    const now = ownership.current();
    if (now.failOpen === true || now.units.length > 0) return;
    if (Date.now() - lastHeld < 3 * coordination.session_timeout) return;
    ownership.failOpen(Date.now());
    metrics.fleetUnits.reset();
    for (const unit of units) metrics.fleetUnits.set({ ...labels, unit }, 1);
    log.error(
      { group: coordination.group, member },
      'the fleet group has given this collector no units for 3 session timeouts: collecting every unit until it does',
    );
  }, 1_000);
  watchdog.unref();
  return {
    member,
    owns: (source, sinceMs) => ownership.owns(source, sinceMs),
    state: () => ownership.current(),
    leave: async () => {
      clearInterval(watchdog);
      await group.stop();
    },
  };
}
