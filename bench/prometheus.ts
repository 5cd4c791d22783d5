import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../lab/src/ports.ts';
import { openMetricsLines } from './alerting-dataset.ts';
import type { DatasetSeries } from './alerting-dataset.ts';

/** A metric of a Prometheus's own /metrics, summed over its label sets (NaN when absent). */
export async function promMetric(port: number, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))]
    .filter((m) => labels === '' || (m[1] ?? '').includes(labels))
    .map((m) => Number(m[2]));
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0);
}

/** A Prometheus started over a TSDB backfilled by promtool; `stop` ends it. */
export interface BackfilledPrometheus {
  port: number;
  /** Seconds promtool took to build the blocks. */
  backfillS: number;
  stop(): Promise<void>;
}

/**
 * Writes `series` (steps at `timeOf(i)`) as OpenMetrics, backfills a TSDB in `dir` with `promtool tsdb
 * create-blocks-from openmetrics`, and starts Debian's Prometheus over it with `config` (YAML) as its config.
 */
export async function startBackfilledPrometheus(
  dir: string,
  series: readonly DatasetSeries[],
  steps: number,
  timeOf: (i: number) => number,
  config: string,
): Promise<BackfilledPrometheus> {
  const file = join(dir, 'data.om');
  const out = createWriteStream(file);
  for (const line of openMetricsLines(series, steps, timeOf))
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  const tsdb = join(dir, 'tsdb');
  const b0 = performance.now();
  const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, tsdb], {
    encoding: 'utf8',
  });
  if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr.slice(-500)}`);
  const backfillS = (performance.now() - b0) / 1000;
  rmSync(file);
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const [port = 0] = await freePorts(1);
  const prom = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  return {
    port,
    backfillS,
    async stop() {
      prom.kill('SIGTERM');
      await once(prom, 'exit');
    },
  };
}
