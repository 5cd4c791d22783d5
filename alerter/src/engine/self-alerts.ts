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

/** The engine's own alert definitions. */
export const selfAlerts: readonly AlertDefinition[] = [watchdog, storeUnreachable, ruleFailing];

/** An instance of an engine alert, carrying its error as evidence. */
export function selfInstance(labels: Record<string, string>, evidence: string[] = []): Instance {
  return { labels, value: 1, threshold: 0, values: {}, evidence };
}
