// Lookout's scrape path in its own process: every interval, fetch → parse/map → encode, for a window.
// Prints {cpuMs, scrapes, samples, rssBytes} for that window as JSON.
import { jmxMetrics } from '../model/src/jmx.ts';
import { fetchBounded } from '../collector/src/http-body.ts';
import { buildNameIndex } from '../collector/src/jmx-names.ts';
import { encodeLines } from '../model/src/line-protocol.ts';
import { mapExposition } from '../collector/src/sources/jmx-text.ts';

const [url = '', warmupS = '5', windowS = '20', intervalS = '1'] = process.argv.slice(2);
const index = buildNameIndex(jmxMetrics);
let samples = 0;
let scrapes = 0;
const scrape = async (): Promise<void> => {
  const text = await fetchBounded(url, 10_000, 256 * 2 ** 20);
  const mapped = mapExposition(text, { cluster: 'bench', broker: '1' }, index, Date.now());
  encodeLines(mapped.samples);
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
    rssBytes: process.memoryUsage.rss(),
  }),
);
