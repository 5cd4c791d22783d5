import { join } from 'node:path';
import { loadRules } from '../../rules/src/load.ts';
import { MemoryPort } from '../../rules/src/memory-port.ts';
import type { Rule } from '../../rules/src/schema.ts';
import { seededRandom } from '../../lab/src/random.ts';

/** A scripted five-hour scenario for the durability tests: brokers flapping, replication, disks. */
export const stepMs = 30_000;
export const steps = 600;

/** The rules the scenario exercises: the default pack's broker, replication and disk files. */
export function scenarioRules(): Rule[] {
  const dir = join(import.meta.dirname, '..', '..', 'rules', 'kafka');
  const loaded = loadRules(['brokers.yaml', 'replication.yaml', 'disk.yaml'].map((f) => join(dir, f)));
  if (loaded.errors.length > 0) throw new Error(loaded.errors[0]?.message);
  return loaded.rules;
}

/** The scenario's data: every series, every step, from a fixed seed (the same on every run). */
export function scenarioPort(): MemoryPort {
  const port = new MemoryPort();
  const next = seededRandom(42);
  const down = new Map<string, number>();
  for (let i = 0; i <= steps; i++) {
    const timeMs = i * stepMs;
    for (const cluster of ['a', 'b']) {
      let urp = 0;
      for (const broker of ['1', '2', '3']) {
        const key = `${cluster}/${broker}`;
        const left = down.get(key) ?? 0;
        if (left > 0) down.set(key, left - 1);
        else if (next() < 0.01) down.set(key, 2 + Math.floor(next() * 14)); // 1 to 7.5 minutes away
        const registered = (down.get(key) ?? 0) > 0 ? 0 : 1;
        if (registered === 0) urp += 10;
        port.add({
          measurement: 'cluster_broker',
          tags: { cluster, broker },
          timeMs,
          fields: { registered },
        });
        port.add({
          measurement: 'log_dir',
          tags: { cluster, broker, log_dir: '/data' },
          timeMs,
          fields: { used_ratio: Math.min(0.99, 0.8 + 0.18 * Math.sin(i / 40 + Number(broker)) ** 2) },
        });
      }
      port.add({
        measurement: 'cluster',
        tags: { cluster },
        timeMs,
        fields: {
          under_replicated_partitions: urp,
          under_min_isr_partitions: urp >= 20 ? 1 : 0,
          offline_partitions: 0,
          non_preferred_leader_partitions: 0,
          partitions: 100,
        },
      });
    }
  }
  return port;
}
