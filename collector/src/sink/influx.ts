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
