import type { Instance } from '../../../rules/src/evaluate.ts';
import type { AlertDefinition } from '../../../rules/src/schema.ts';

const own = (
  alert: string,
  severity: AlertDefinition['severity'],
  summary: string,
  description: string,
): AlertDefinition => ({
  alert,
  severity,
  audience: ['operators'],
  labels: {},
  for: 0,
  keep_firing_for: 0,
  window: 0,
  annotations: { summary, description, runbook: `docs/runbooks.md#${alert.toLowerCase()}` },
});

/** Always firing while the engine evaluates: the pager's dead man's switch notices a silent alerter. */
export const watchdog = own(
  'LookoutWatchdog',
  'info',
  'Lookout is evaluating its rules',
  'Always firing while the alerter evaluates. Route it to a dead man’s switch: when it stops arriving, the alerter is down.',
);

/** The store could not be asked at all; no rule can see. */
export const storeUnreachable = own(
  'LookoutStoreUnreachable',
  'page',
  'Lookout cannot read InfluxDB: every rule is blind',
  'The last evaluation could not reach the metric store: {{evidence}}. Alerts keep the state they had; nothing resolves while blind.',
);

/** One rule could not be evaluated. */
export const ruleFailing = own(
  'LookoutRuleFailing',
  'ticket',
  'Rule {{labels.rule}} cannot be evaluated',
  'The rule {{labels.rule}} failed: {{evidence}}. Its alerts keep the state they had until it evaluates again.',
);

/** A file the alerter reloads while running (the tenants catalog) is invalid; the last good one stays in force. */
export const configInvalid = own(
  'LookoutConfigInvalid',
  'ticket',
  '{{labels.file}} is invalid: the last good version stays in force',
  'The alerter could not reload {{labels.file}}: {{evidence}}. Ownership, contacts and thresholds are those of the last good version until the file is fixed.',
);

/** Notifications to a receiver keep failing (they stay queued and are retried). */
export const notificationsFailing = own(
  'LookoutNotificationsFailing',
  'page',
  'Notifications to {{labels.queue}} are failing',
  'The last delivery to {{labels.queue}} failed: {{evidence}}. Notifications stay queued and are retried; nothing is lost, but nobody is told.',
);

/** The engine's own alert definitions. */
export const selfAlerts: readonly AlertDefinition[] = [
  watchdog,
  storeUnreachable,
  ruleFailing,
  configInvalid,
  notificationsFailing,
];

/** A problem outside the rules that the engine raises as its own alert on the next evaluation. */
export interface SelfProblem {
  alert: 'LookoutConfigInvalid' | 'LookoutNotificationsFailing';
  labels: Record<string, string>;
  error: string;
}

/** An instance of an engine alert, carrying its error as evidence. */
export function selfInstance(labels: Record<string, string>, evidence: string[] = []): Instance {
  return { labels, value: 1, threshold: 0, values: {}, evidence };
}
