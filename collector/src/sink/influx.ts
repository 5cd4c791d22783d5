import { basicAuthHeaders } from '../../../model/src/basic-auth.ts';
import { InfluxDB } from 'influx';
import type { IPoint, IResults } from 'influx';

/** Where the collector writes. */
export interface InfluxTarget {
  url: string;
  database: string;
  username?: string;
  password?: string;
}

/** The collector's only constructor of an `influx` client; creates the database if it is missing. */
export async function connectInflux(target: InfluxTarget): Promise<InfluxDB> {
  const url = new URL(target.url);
  const client = new InfluxDB({
    host: url.hostname,
    port: Number(url.port || 8086),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    database: target.database,
    ...(target.username === undefined ? {} : { username: target.username, password: target.password ?? '' }),
  });
  const names = await client.getDatabaseNames();
  if (!names.includes(target.database)) await client.createDatabase(target.database);
  return client;
}

export type { InfluxDB, IPoint, IResults };

/** Where and how points are written over InfluxDB's /write. */
export interface WriteTarget {
  url: string;
  database: string;
  username?: string;
  password?: string;
  retentionPolicy?: string;
  timeoutMs?: number;
}

/** Outcome of one /write: ok, or why not and whether trying again may help. */
export type WriteOutcome = { ok: true } | { ok: false; retriable: boolean; reason: string };

/**
 * POSTs a line-protocol body (ms timestamps). 4xx other than 429 is final (the body is bad and stays bad);
 * network errors, timeouts, 429 and 5xx are retriable.
 */
export async function writeLineProtocol(target: WriteTarget, body: string): Promise<WriteOutcome> {
  const url = new URL('/write', target.url);
  url.searchParams.set('db', target.database);
  url.searchParams.set('precision', 'ms');
  if (target.retentionPolicy !== undefined) url.searchParams.set('rp', target.retentionPolicy);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: basicAuthHeaders(target.username, target.password),
      body,
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
    if (res.status === 204) return { ok: true };
    const text = (await res.text()).slice(0, 300);
    return {
      ok: false,
      retriable: res.status === 429 || res.status >= 500,
      reason: `HTTP ${res.status}: ${text}`,
    };
  } catch (error) {
    return { ok: false, retriable: true, reason: (error as Error).message };
  }
}

/**
 * Applies a retention plan idempotently: creates or alters each policy, and (re)creates each continuous
 * query whose text changed. Returns what it changed.
 */
export async function applyRetention(
  client: InfluxDB,
  database: string,
  plan: {
    policies: { name: string; durationHours: number; isDefault: boolean }[];
    queries: { name: string; select: string; resample?: string }[];
  },
): Promise<string[]> {
  const changed: string[] = [];
  const existing = await client.showRetentionPolicies(database);
  for (const p of plan.policies) {
    const found = existing.find((e) => e.name === p.name);
    const options = { duration: `${p.durationHours}h`, replication: 1, isDefault: p.isDefault, database };
    if (found === undefined) {
      await client.createRetentionPolicy(p.name, options);
      changed.push(`created retention policy ${p.name} (${p.durationHours}h)`);
    } else if (found.duration !== `${p.durationHours}h0m0s` || found.default !== p.isDefault) {
      await client.alterRetentionPolicy(p.name, options);
      changed.push(`altered retention policy ${p.name} (${p.durationHours}h)`);
    }
  }
  // SHOW CONTINUOUS QUERIES lists every database's queries, grouped by database: keep ours only.
  const all = await client.query<{ name: string; query: string }>('SHOW CONTINUOUS QUERIES');
  const cqs = all.groups().find((g) => g.name === database)?.rows ?? [];
  for (const q of plan.queries) {
    const found = cqs.find((c) => c.name === q.name);
    // InfluxDB stores the query with identifiers unquoted.
    if (found?.query.includes(q.select.replaceAll('"', '')) === true) continue;
    if (found !== undefined) await client.dropContinuousQuery(q.name, database);
    await client.createContinuousQuery(q.name, q.select, database, q.resample);
    changed.push(`${found === undefined ? 'created' : 'replaced'} continuous query ${q.name}`);
  }
  return changed;
}
