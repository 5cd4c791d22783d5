// Lookout's scrape path in its own process: every interval, fetch → parse/map → encode, for a window; given an
// InfluxDB URL and database, encode and write through the collector's sink (batches of 5,000, one in flight).
// Prints `window` when the measured window starts, then {cpuMs, scrapes, samples, written, rssBytes} as JSON.
import { jmxMetrics } from '../model/src/jmx.ts';
import { fetchBounded } from '../collector/src/http-body.ts';
import { buildNameIndex } from '../collector/src/jmx-names.ts';
import { encodeLines } from '../model/src/line-protocol.ts';
import { writeBatches } from '../collector/src/sink/batches.ts';
import { writeLineProtocol } from '../collector/src/sink/influx.ts';
import { mapExposition } from '../collector/src/sources/jmx-text.ts';

const [url = '', warmupS = '5', windowS = '20', intervalS = '1', influxUrl = '', database = ''] =
  process.argv.slice(2);
const index = buildNameIndex(jmxMetrics);
let samples = 0;
let scrapes = 0;
let written = 0;
const scrape = async (): Promise<void> => {
  const text = await fetchBounded(url, 10_000, 256 * 2 ** 20);
  const mapped = mapExposition(text, { cluster: 'bench', broker: '1' }, index, Date.now());
  if (influxUrl === '') encodeLines(mapped.samples);
  else {
    const out = await writeBatches(mapped.samples, (body) =>
      writeLineProtocol({ url: influxUrl, database }, body),
    );
    if (out.errors.length > 0) throw new Error(`write failed: ${out.errors[0] ?? ''}`);
    written += out.written;
  }
  samples += mapped.exposed;
  scrapes += 1;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = Date.now() + Number(warmupS) * 1000;
while (Date.now() < until) {
  await scrape();
  await sleep(Number(intervalS) * 1000);
}
samples = 0;
scrapes = 0;
written = 0;
console.log('window'); // the parent reads the store's CPU from here to the closing line
const cpu0 = process.cpuUsage();
const end = Date.now() + Number(windowS) * 1000;
while (Date.now() < end) {
  const t = Date.now();
  await scrape();
  await sleep(Math.max(0, Number(intervalS) * 1000 - (Date.now() - t)));
}
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    scrapes,
    samples,
    written,
    rssBytes: process.memoryUsage.rss(),
  }),
);
