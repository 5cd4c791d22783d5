import type { Sample } from '../model/src/sample.ts';
import { encodeLines } from '../model/src/line-protocol.ts';
import { batchSize, writeBatches } from '../collector/src/sink/batches.ts';
import { connectInflux, writeLineProtocol } from '../collector/src/sink/influx.ts';
import { startBenchInflux } from './influxd.ts';
import { median, ratioAtLeast, result } from './result.ts';
import type { BenchResult } from './result.ts';

const points = 100_000;

/** Broker-topic samples as a 2,000-topic cluster produces them, at time base + i. */
function samples(base: number): Sample[] {
  return Array.from({ length: points }, (_, i) => ({
    measurement: 'broker_topic',
    tags: {
      cluster: 'bench',
      broker: String(i % 3),
      topic: `tenant-${i % 7}.topic-${i % 2000}`,
      source: 'jmx',
    },
    fields: { bytes_in_total: i * 1000, bytes_out_total: i * 2000, messages_in_total: i },
    timeMs: base + Math.floor(i / 2000),
  }));
}

/**
 * Write path into a real influxd: ours (catalog samples → writeBatches: encode → /write, 5k-point batches) against
 * a raw writer that only POSTs pre-encoded line protocol of the same points. Alternating runs, fresh timestamps.
 */
export default async function bench(): Promise<BenchResult[]> {
  const influx = await startBenchInflux();
  try {
    const database = 'bench';
    await connectInflux({ url: influx.url, database });
    const target = { url: influx.url, database };
    let base = Date.now() - 3_600_000;
    const ours = async (): Promise<number> => {
      const input = samples((base += 10_000));
      const t = performance.now();
      const written = await writeBatches(input, (body) => writeLineProtocol(target, body));
      if (written.errors.length > 0) throw new Error(written.errors.join('; '));
      return points / ((performance.now() - t) / 1000);
    };
    const raw = async (): Promise<number> => {
      const input = samples((base += 10_000));
      const bodies: string[] = [];
      for (let i = 0; i < input.length; i += batchSize)
        bodies.push(encodeLines(input.slice(i, i + batchSize)).body);
      const t = performance.now();
      for (const body of bodies) {
        const res = await fetch(`${influx.url}/write?db=${database}&precision=ms`, { method: 'POST', body });
        if (res.status !== 204) throw new Error(`HTTP ${res.status}`);
      }
      return points / ((performance.now() - t) / 1000);
    };
    // The influx package's own writer, into a database of its own (it writes every number as a float).
    const pkgClient = await connectInflux({ url: influx.url, database: 'bench_pkg' });
    const pkg = async (): Promise<number> => {
      const input = samples((base += 10_000)).map((x) => ({
        measurement: x.measurement,
        tags: x.tags,
        fields: x.fields,
        timestamp: new Date(x.timeMs),
      }));
      const t = performance.now();
      for (let i = 0; i < input.length; i += batchSize) {
        await pkgClient.writePoints(input.slice(i, i + batchSize), { precision: 'ms' });
      }
      return points / ((performance.now() - t) / 1000);
    };
    await ours();
    await raw();
    await pkg();
    const runs = 6;
    const o: number[] = [];
    const r: number[] = [];
    for (let k = 0; k < runs; k++) {
      // Alternate which goes first, so neither always meets the server just after the other's load.
      if (k % 2 === 0) {
        o.push(await ours());
        r.push(await raw());
      } else {
        r.push(await raw());
        o.push(await ours());
      }
    }
    const input = `${points} broker_topic points (3 fields, 4 tags), ${batchSize}-point batches, 1 writer, InfluxDB 1.6 on loopback; points generated in bench/write-path.bench.ts`;
    const p: number[] = [];
    for (let k = 0; k < runs; k++) p.push(await pkg());
    return [
      result({
        name: 'write-path-vs-influx-package',
        target: ratioAtLeast(1, 'faster than the influx package'),
        unit: 'points/s',
        ours: Math.round(median(o)),
        peer: Math.round(median(p)),
        peerName: 'influx 5.12 writePoints',
        better: 'higher',
        input,
        runs,
      }),
      result({
        name: 'write-path',
        target: ratioAtLeast(0.95, '≥ 0.95× the raw writer'),
        unit: 'points/s',
        ours: Math.round(median(o)),
        peer: Math.round(median(r)),
        peerName: 'raw line-protocol HTTP writer (pre-encoded)',
        better: 'higher',
        input,
        runs,
      }),
    ];
  } finally {
    await influx.stop();
  }
}
