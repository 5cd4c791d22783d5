import type { Sample } from '../../../model/src/sample.ts';
import { hostFields, readHost } from '../host-metrics.ts';
import type { HostReading } from '../host-metrics.ts';
import { fetchBounded } from '../http-body.ts';
import type { HttpAccess } from '../http-body.ts';
import type { Source } from '../source.ts';

/** One node_exporter endpoint and the brokers on its host (several in a lab on one machine). */
export interface HostTarget {
  cluster: string;
  url: string;
  brokers: readonly string[];
  /** Its TLS and basic authentication (node_exporter's web config), when it wants them. */
  access?: HttpAccess;
}

/**
 * A source that scrapes a broker host's node_exporter: one `host` sample per broker on it, with CPU, load,
 * memory, swap, disk and network figures. Rates and ratios are over the time since the previous scrape, so
 * the first scrape writes the gauges only.
 */
export function hostSource(target: HostTarget): Source {
  const host = new URL(target.url).host;
  let before: HostReading | undefined;
  return {
    cluster: target.cluster,
    target: `host ${host}`,
    kind: 'host',
    async collect(nowMs, signal) {
      const text = await fetchBounded(target.url, 60_000, 16 * 2 ** 20, { signal, ...target.access });
      const reading = readHost(text, nowMs);
      const fields = hostFields(reading, before);
      before = reading;
      const samples: Sample[] =
        Object.keys(fields).length === 0
          ? []
          : target.brokers.map((broker) => ({
              measurement: 'host',
              tags: { cluster: target.cluster, broker, host },
              fields,
              timeMs: nowMs,
            }));
      const first = reading.errors[0];
      return {
        samples,
        exposed: reading.exposed,
        errorCount: reading.errorCount,
        ...(first === undefined ? {} : { firstError: `line ${first.line}: ${first.message}` }),
      };
    },
  };
}
