import { about } from './about.ts';
import { Command, Option } from 'commander';
import { alerterOptions, api } from './alerter-api.ts';
import type { Remote } from './alerter-api.ts';

/** An alert as GET /api/alerts lists it (the fields shown here). */
interface AlertOut {
  rule: string;
  phase: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number;
  /** ISO 8601, as the API speaks. */
  activeSince?: string;
  firedAt?: string;
  resolvedAt?: string;
  owner?: string;
  silencedBy?: string;
  inhibitedBy?: { alertname: string };
}

/** The labels that tell an instance apart (alertname and severity are columns of their own). */
const instanceLabels = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');

/** One alert a line: phase, severity, name, since when (ISO 8601), value, labels, summary. */
export function alertLine(a: AlertOut): string {
  const since = a.phase === 'resolved' ? a.resolvedAt : (a.firedAt ?? a.activeSince);
  const muted =
    a.silencedBy !== undefined
      ? ` (silenced by ${a.silencedBy})`
      : a.inhibitedBy !== undefined
        ? ` (inhibited by ${a.inhibitedBy.alertname})`
        : '';
  return [
    `${a.phase}${muted}`.padEnd(9),
    a.severity.padEnd(6),
    a.rule,
    since ?? '-',
    `value ${Number.isInteger(a.value) ? a.value : a.value.toFixed(2)}`,
    instanceLabels(a.labels),
    a.annotations.summary === undefined ? '' : `# ${a.annotations.summary}`,
  ].join('  ');
}

/** `lookout alerts`: the alerts a running alerter holds, as amtool's `alert query` lists Alertmanager's. */
export function alertsCommand(): Command {
  return alerterOptions(new Command('alerts').description(about.alerts))
    .addOption(new Option('--state <state>', 'only this phase').choices(['pending', 'firing', 'resolved']))
    .addOption(new Option('--severity <severity>', 'only this severity').choices(['page', 'ticket', 'info']))
    .option('--cluster <name>', 'only this cluster')
    .option('--tenant <name>', "only this tenant's alerts")
    .option('--json', 'the API answer as it is')
    .action(
      async (
        o: Remote & { state?: string; severity?: string; cluster?: string; tenant?: string; json?: boolean },
      ) => {
        const query = new URLSearchParams();
        for (const key of ['state', 'severity', 'cluster', 'tenant'] as const) {
          const value = o[key];
          if (value !== undefined) query.set(key, value);
        }
        const answer = (await api(o, `/api/alerts${query.size === 0 ? '' : `?${query.toString()}`}`)) as {
          alerts: AlertOut[];
        };
        if (o.json === true) {
          console.log(JSON.stringify(answer, null, 2));
          return;
        }
        for (const a of answer.alerts) console.log(alertLine(a));
        if (answer.alerts.length === 0) console.error('no alerts');
      },
    );
}
