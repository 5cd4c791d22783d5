import { Counter, Gauge, Registry } from 'prom-client';

/** The collector's own health, served at /metrics (prom-client is the only importer of prom-client). */
export interface SelfMetrics {
  registry: Registry;
  cycles: Counter;
  up: Gauge;
  duration: Gauge;
  written: Counter;
  spooled: Counter;
  writeErrors: Counter;
  skipped: Counter;
  spoolPoints: Gauge;
  /** Fleet mode: the units this member holds, the group generation, and scrapes dropped as no longer ours. */
  fleetUnits: Gauge;
  fleetGeneration: Gauge;
  fenced: Counter;
}

/** A fresh registry with the collector's metrics. */
export function createSelfMetrics(): SelfMetrics {
  const registry = new Registry();
  const labels = ['cluster', 'target', 'source'] as const;
  return {
    registry,
    cycles: new Counter({
      name: 'lookout_collector_cycles_total',
      help: 'Collection ticks run.',
      registers: [registry],
    }),
    up: new Gauge({
      name: 'lookout_collector_target_up',
      help: '1 if the target answered at its last scrape.',
      labelNames: labels,
      registers: [registry],
    }),
    duration: new Gauge({
      name: 'lookout_collector_scrape_duration_seconds',
      help: 'Duration of the last scrape.',
      labelNames: labels,
      registers: [registry],
    }),
    written: new Counter({
      name: 'lookout_collector_points_written_total',
      help: 'Points InfluxDB accepted.',
      registers: [registry],
    }),
    spooled: new Counter({
      name: 'lookout_collector_points_spooled_total',
      help: 'Points sent to the disk spool.',
      registers: [registry],
    }),
    writeErrors: new Counter({
      name: 'lookout_collector_write_errors_total',
      help: 'Batches InfluxDB did not accept.',
      registers: [registry],
    }),
    skipped: new Counter({
      name: 'lookout_collector_skipped_scrapes_total',
      help: 'Scrapes not started because the previous one of the same target still ran.',
      labelNames: labels,
      registers: [registry],
    }),
    spoolPoints: new Gauge({
      name: 'lookout_collector_spool_points',
      help: 'Points waiting in the spool.',
      registers: [registry],
    }),
    fleetUnits: new Gauge({
      name: 'lookout_collector_fleet_unit',
      help: 'Fleet mode: 1 for each work unit this collector holds now (none while the group rebalances).',
      labelNames: ['group', 'member', 'unit'],
      registers: [registry],
    }),
    fleetGeneration: new Gauge({
      name: 'lookout_collector_fleet_generation',
      help: 'Fleet mode: the consumer-group generation of the assignment held (-1: none held).',
      labelNames: ['group', 'member'],
      registers: [registry],
    }),
    fenced: new Counter({
      name: 'lookout_collector_fenced_scrapes_total',
      help: 'Fleet mode: scrapes whose unit was taken away while they ran, dropped unwritten.',
      labelNames: labels,
      registers: [registry],
    }),
  };
}
