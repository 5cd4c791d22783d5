import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parseExposition } from '../collector/src/exposition.ts';
import { brokerExposition } from '../test/fixtures/broker-exposition.ts';
import { median, result, oursAtLeast } from './result.ts';
import type { BenchResult } from './result.ts';

/** MB/s of one call of `parse` on `text`, median of `runs` timed calls after a warm-up. */
function throughput(text: string, parse: () => unknown, runs: number): number[] {
  const mb = Buffer.byteLength(text) / 1e6;
  const out: number[] = [];
  // Start each batch with a clean heap, so neither side pays for the other's garbage.
  (globalThis as { gc?: () => void }).gc?.();
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    parse();
    out.push(mb / ((performance.now() - t) / 1000));
  }
  return out;
}

/**
 * Parse throughput on broker-shaped JMX exporter expositions: ours reads the body's bytes, validates every
 * line and hands label sets out undecoded (the collector decodes only the catalog metrics it keeps); the
 * peer, parse-prometheus-text-format, takes the decoded string and builds objects for everything. Runs
 * interleave, same exposition, same process, each batch of runs after a forced GC.
 */
export default function bench(): BenchResult[] {
  return [4_000, 20_000].map((partitions) => {
    // The body as a scrape receives it: bytes for ours (it parses bytes), the decoded string for the peer.
    const text = Buffer.from(brokerExposition(partitions)).toString('utf8');
    const body = Buffer.from(text);
    let samples = 0;
    const ours = (): unknown => parseExposition(body, () => (samples += 1));
    const peer = (): unknown => parsePrometheusTextFormat(text);
    const runs = partitions > 10_000 ? 7 : 15;
    throughput(text, ours, 5);
    throughput(text, peer, 2);
    const oursRuns: number[] = [];
    const peerRuns: number[] = [];
    for (let round = 0; round < runs; round++) {
      oursRuns.push(...throughput(text, ours, 3));
      peerRuns.push(...throughput(text, peer, 1));
    }
    const count = parseExposition(body, () => undefined).samples;
    return result({
      name: `exposition-parse-${partitions / 1000}k`,
      target: oursAtLeast(250, '≥ 250 MB/s'),
      unit: 'MB/s',
      ours: Math.round(median(oursRuns)),
      peer: Math.round(median(peerRuns)),
      peerName: 'parse-prometheus-text-format 1.1',
      better: 'higher',
      input: `broker exposition, ${partitions} partitions, ${count} samples, ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB, from test/fixtures/broker-exposition.ts`,
      runs,
    });
  });
}
