import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startAlertmanager } from '../lab/src/alertmanager.ts';
import type { AlertmanagerRoute } from '../lab/src/alertmanager.ts';
import { freePorts } from '../lab/src/ports.ts';
import type { LabState } from '../lab/src/state.ts';

/**
 * The Kafka conditions of Strimzi's example alerting rules (strimzi-kafka-operator,
 * packaging/examples/metrics/prometheus-install/prometheus-rules/prometheus-kafka-rules.yaml): each alert's
 * name, expression and `for`, as that file ships them. Its rules over Kubernetes metrics (kubelet volume stats,
 * container_last_seen) have nothing to read outside Kubernetes and are left out; the targets carry the labels
 * Strimzi's PodMonitor gives them (`kubernetes_pod_name`, `pod`, `namespace`, `strimzi_io_name`), so the
 * selectors match as they do there.
 */
export const strimziKafkaRules: { alert: string; expr: string; for: string }[] = [
  {
    alert: 'UnderReplicatedPartitions',
    expr: 'kafka_server_replicamanager_underreplicatedpartitions > 0',
    for: '10s',
  },
  {
    alert: 'AbnormalControllerState',
    expr: 'sum(kafka_controller_kafkacontroller_activecontrollercount) by (strimzi_io_name, namespace) != 1',
    for: '10s',
  },
  {
    alert: 'OfflinePartitions',
    expr: 'sum(kafka_controller_kafkacontroller_offlinepartitionscount) by (namespace, pod) > 0',
    for: '10s',
  },
  {
    alert: 'UnderMinIsrPartitionCount',
    expr: 'kafka_server_replicamanager_underminisrpartitioncount > 0',
    for: '10s',
  },
  {
    alert: 'OfflineLogDirectoryCount',
    expr: 'kafka_log_logmanager_offlinelogdirectorycount > 0',
    for: '10s',
  },
  { alert: 'ScrapeProblem', expr: 'up{kubernetes_pod_name=~".+-kafka-[0-9]+"} == 0', for: '3m' },
];

/** One peer stack: Debian's Prometheus 2.42 over the lab's JMX exporters, alerting through Alertmanager 0.25. */
export interface PeerStack {
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus scraping every lab broker's JMX exporter every `interval` and evaluating Strimzi's Kafka rules
 * every `interval`, sending to an Alertmanager with `route` whose only receiver is the webhook at `webhookUrl`.
 */
export async function startStrimziPeer(
  name: string,
  lab: LabState,
  dir: string,
  options: { interval: string; route: AlertmanagerRoute; webhookUrl: string },
): Promise<PeerStack> {
  mkdirSync(dir, { recursive: true });
  const am = await startAlertmanager(options.webhookUrl, options.route);
  writeFileSync(
    join(dir, 'kafka-rules.yml'),
    stringify({
      groups: [
        {
          name: 'kafka',
          rules: strimziKafkaRules.map((r) => ({
            alert: r.alert,
            expr: r.expr,
            for: r.for,
            labels: { severity: r.alert === 'ScrapeProblem' ? 'major' : 'warning' },
          })),
        },
      ],
    }),
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: {
        scrape_interval: options.interval,
        evaluation_interval: options.interval,
        scrape_timeout: '10s',
      },
      rule_files: [join(dir, 'kafka-rules.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(am.url).host] }] }] },
      scrape_configs: [
        {
          job_name: 'kafka',
          static_configs: lab.brokers.map((b) => ({
            targets: [`127.0.0.1:${b.jmxPort}`],
            labels: {
              kubernetes_pod_name: `lab-kafka-${b.id}`,
              pod: `lab-kafka-${b.id}`,
              namespace: 'lab',
              strimzi_io_name: 'lab',
            },
          })),
        },
      ],
    }),
  );
  const [port = 0] = await freePorts(1);
  const prom: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; ; i += 1) {
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (prom.exitCode !== null || i > 200) throw new Error(`prometheus (${name}) did not start`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return {
    name,
    async stop() {
      if (prom.exitCode === null) {
        const gone = new Promise((ok) => prom.once('exit', ok));
        prom.kill('SIGTERM');
        await gone;
      }
      await am.stop();
    },
  };
}
