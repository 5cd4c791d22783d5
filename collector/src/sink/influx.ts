import { InfluxDB } from 'influx';
import type { IPoint, IResults } from 'influx';

/** Where the collector writes. */
export interface InfluxTarget {
  url: string;
  database: string;
}

/** The collector's only constructor of an `influx` client; creates the database if it is missing. */
export async function connectInflux(target: InfluxTarget): Promise<InfluxDB> {
  const url = new URL(target.url);
  const client = new InfluxDB({
    host: url.hostname,
    port: Number(url.port || 8086),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    database: target.database,
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
