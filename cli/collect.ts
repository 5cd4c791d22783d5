import { Command } from 'commander';
import { jmxMetrics } from '../model/src/jmx.ts';
import { collectOnce } from '../collector/src/cycle.ts';
import { buildNameIndex } from '../collector/src/jmx-names.ts';
import { connectInflux, writeLineProtocol } from '../collector/src/sink/influx.ts';
import type { Source } from '../collector/src/source.ts';
import { jmxTextSource } from '../collector/src/sources/jmx-text.ts';
import { jolokiaSource } from '../collector/src/sources/jolokia.ts';
import { clusterStateSource } from '../collector/src/sources/cluster-state.ts';
import { requireState } from '../lab/src/control.ts';
import { defaultLabDir } from '../lab/src/paths.ts';
import { bootstrapOf } from '../lab/src/state.ts';

/** `lookout collect`: the collector. */
export function collectCommand(): Command {
  return new Command('collect')
    .description(
      'scrape the cluster state (admin API) and the brokers (JMX exporter text and Jolokia) into InfluxDB',
    )
    .requiredOption('--lab', 'target the running lab, from its state file')
    .requiredOption('--once', 'run one cycle, print a JSON summary, exit 1 if a target failed')
    .option('--lab-dir <dir>', 'lab directory (env LOOKOUT_LAB_DIR)', defaultLabDir())
    .option('--database <name>', 'InfluxDB database', 'lookout')
    .option('--timeout <ms>', 'per-target deadline in ms', (v) => Number(v), 10_000)
    .action(async (opts: { labDir: string; database: string; timeout: number }) => {
      const lab = requireState(opts.labDir);
      const index = buildNameIndex(jmxMetrics);
      const expected = lab.brokers.map((b) => b.id);
      const admin = clusterStateSource(
        'lab',
        { brokers: bootstrapOf(lab), clientId: 'lookout-collector' },
        expected,
      );
      const sources: Source[] = [
        admin,
        ...lab.brokers.flatMap((b) => [
          jmxTextSource(
            { cluster: 'lab', broker: String(b.id), url: `http://127.0.0.1:${b.jmxPort}/metrics` },
            index,
          ),
          jolokiaSource(
            { cluster: 'lab', broker: String(b.id), url: `http://127.0.0.1:${b.jolokiaPort}/jolokia/` },
            jmxMetrics,
          ),
        ]),
      ];
      await connectInflux({ url: lab.influx.url, database: opts.database });
      const target = { url: lab.influx.url, database: opts.database };
      const summary = await collectOnce(
        sources,
        (body) => writeLineProtocol(target, body),
        Date.now(),
        opts.timeout,
        () => Date.now(),
      );
      console.log(JSON.stringify(summary, null, 2));
      if (summary.targets.some((t) => !t.up) || summary.writeErrors.length > 0) process.exitCode = 1;
    });
}
