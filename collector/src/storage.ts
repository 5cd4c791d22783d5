import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CollectorConfig } from './config.ts';
import type { WriteBatch } from './sink/batches.ts';
import { durableWriter } from './sink/durable.ts';
import { applyRetention, connectInflux, writeLineProtocol } from './sink/influx.ts';
import type { InfluxTarget, WriteOutcome } from './sink/influx.ts';
import { planRetention } from './sink/retention.ts';
import { Spool } from './sink/spool.ts';
import type { SpoolState } from './sink/spool.ts';

type Connection = CollectorConfig['influx'] | NonNullable<CollectorConfig['clusters'][number]['influx']>;

/** One InfluxDB (database) the collector writes to, the clusters whose points go there, and its own spool. */
export interface Shard {
  /** `default` (the top-level `influx`), or `DATABASE@HOST:PORT` of a cluster's own. */
  name: string;
  target: InfluxTarget;
  spool: Spool;
  write: WriteBatch;
}

/** Where the collector writes: each cluster's shard. */
export interface Storage {
  shards: Shard[];
  /** The writer of `cluster`'s points (the default shard's for a cluster without its own `influx`). */
  writeFor: (cluster: string) => WriteBatch;
  /** Creates each shard's database, retention policies and downsampling (idempotent), logging what changed. */
  prepare: () => Promise<void>;
  /** What every spool holds, added up. */
  spoolState: () => SpoolState;
}

function targetOf(influx: Connection, env: NodeJS.ProcessEnv): InfluxTarget {
  const { url, database, username, password_env } = influx;
  if (username === undefined) return { url, database };
  return { url, database, username, password: password_env === undefined ? '' : (env[password_env] ?? '') };
}

/**
 * The collector's storage: the top-level `influx`, and each distinct InfluxDB that clusters name as their own
 * (`clusters[].influx`: a deployment sharded by cluster across InfluxDB instances, which OSS 1.x cannot cluster).
 * Every shard has its spool (`spool.dir`, a shard's in `spool.dir/shard-NAME`) and the top level's retention.
 */
export function openStorage(config: CollectorConfig, env: NodeJS.ProcessEnv, log: Logger): Storage {
  const byName = new Map<string, Shard>();
  const make = (name: string, influx: Connection, dir: string): Shard => {
    const target = targetOf(influx, env);
    const spool = new Spool(dir, config.spool.max_bytes, (message) => log.error({ shard: name }, message));
    // A database that is not there yet (InfluxDB was down at start, or was wiped) is made, then the batch retried.
    const writeOnce = async (body: string): Promise<WriteOutcome> => {
      const outcome = await writeLineProtocol(target, body);
      if (outcome.ok || !outcome.reason.includes('database not found')) return outcome;
      await prepareShard(target, config, log);
      return writeLineProtocol(target, body);
    };
    return { name, target, spool, write: durableWriter(writeOnce, spool) };
  };
  const fallback = make('default', config.influx, config.spool.dir);
  byName.set(fallback.name, fallback);
  const ofCluster = new Map<string, Shard>();
  for (const cluster of config.clusters) {
    const own = cluster.influx;
    if (own === undefined) continue;
    const name = `${own.database}@${new URL(own.url).host}`;
    const shard =
      byName.get(name) ??
      make(name, own, join(config.spool.dir, `shard-${name.replace(/[^A-Za-z0-9._@-]/g, '_')}`));
    byName.set(name, shard);
    ofCluster.set(cluster.name, shard);
  }
  const shards = [...byName.values()];
  return {
    shards,
    writeFor: (cluster) => (ofCluster.get(cluster) ?? fallback).write,
    prepare: async () => {
      for (const shard of shards) await prepareShard(shard.target, config, log);
    },
    spoolState: () =>
      shards
        .map((s) => s.spool.state())
        .reduce((a, b) => ({
          batches: a.batches + b.batches,
          points: a.points + b.points,
          bytes: a.bytes + b.bytes,
        })),
  };
}

async function prepareShard(target: InfluxTarget, config: CollectorConfig, log: Logger): Promise<void> {
  const client = await connectInflux(target);
  const plan = planRetention(target.database, config.influx.retention);
  for (const change of await applyRetention(client, target.database, plan)) log.info(change);
}
