import { fingerprint } from '../../model/src/labels.ts';
import type { Labels } from '../../model/src/labels.ts';
import type { EvidenceRow, Instance } from './evaluate.ts';
import { advance } from './lifecycle.ts';
import type { AlertState, Phase } from './lifecycle.ts';
import type { AlertDefinition, Rule } from './schema.ts';
import { render } from './template.ts';

/** An alert instance as the engine tracks, stores and serves it. */
export interface TrackedAlert extends AlertState {
  fingerprint: string;
  rule: string;
  labels: Labels;
  severity: Rule['severity'];
  audience: Rule['audience'];
  annotations: Record<string, string>;
  value: number;
  /** The threshold the value was held to (the owning tenant's own, a median's multiple); absent in rows stored before it was kept. */
  threshold?: number;
  /** What the alert affects, from its rule's evidence block (topics, log dirs …), largest first. */
  affected?: EvidenceRow[];
}

/** A change of phase, the unit notifications and the durable log are made of. */
export interface Transition {
  fingerprint: string;
  rule: string;
  labels: Labels;
  from: Phase;
  to: Phase;
  atMs: number;
}

/** How long a resolved alert stays listed before it is forgotten. */
export const resolvedRetentionMs = 15 * 60_000;

/** The labels of a rule's instance: alertname, severity, the rule's own labels and the instance's (empty ones dropped). */
export function alertLabels(rule: Pick<Rule, 'alert' | 'severity' | 'labels'>, instance: Labels): Labels {
  const all: Record<string, string> = { alertname: rule.alert, severity: rule.severity, ...rule.labels };
  for (const [k, v] of Object.entries(instance)) if (v !== '') all[k] = v;
  return all;
}

/** The tracked alert a holding instance makes (its state left to `advance`). */
function describe(rule: AlertDefinition, instance: Instance): Omit<TrackedAlert, keyof AlertState> {
  const labels = alertLabels(rule, instance.labels);
  const annotations: Record<string, string> = {};
  for (const [k, text] of Object.entries(rule.annotations))
    if (text !== undefined) annotations[k] = render(text, rule, instance);
  return {
    fingerprint: fingerprint(labels),
    rule: rule.alert,
    labels,
    severity: rule.severity,
    audience: rule.audience,
    annotations,
    value: instance.value,
    threshold: instance.threshold,
    ...(instance.affected === undefined ? {} : { affected: instance.affected }),
  };
}

/** Only the state fields of an alert (so a step never carries old annotations over new ones). */
function stateOf(s: AlertState): AlertState {
  const out: AlertState = { phase: s.phase };
  if (s.activeSince !== undefined) out.activeSince = s.activeSince;
  if (s.lastActiveAt !== undefined) out.lastActiveAt = s.lastActiveAt;
  if (s.firedAt !== undefined) out.firedAt = s.firedAt;
  if (s.resolvedAt !== undefined) out.resolvedAt = s.resolvedAt;
  return out;
}

/**
 * One evaluation of one rule applied to its tracked alerts: the instances that hold advance, the tracked ones
 * that no longer hold advance as inactive, resolved ones older than the retention are dropped. Pure.
 * Returns every alert of the rule after the step, the ones that changed, and the phase transitions.
 */
export function stepRule(
  rule: AlertDefinition,
  tracked: ReadonlyMap<string, TrackedAlert>,
  instances: readonly Instance[],
  nowMs: number,
): {
  alerts: Map<string, TrackedAlert>;
  changed: TrackedAlert[];
  dropped: string[];
  transitions: Transition[];
} {
  const timing = { forMs: rule.for, keepFiringForMs: rule.keep_firing_for };
  const alerts = new Map<string, TrackedAlert>();
  const changed: TrackedAlert[] = [];
  const dropped: string[] = [];
  const transitions: Transition[] = [];
  const note = (prev: TrackedAlert | undefined, next: TrackedAlert): void => {
    const from = prev?.phase ?? 'inactive';
    if (from !== next.phase)
      transitions.push({
        fingerprint: next.fingerprint,
        rule: rule.alert,
        labels: next.labels,
        from,
        to: next.phase,
        atMs: nowMs,
      });
  };
  for (const instance of instances) {
    const d = describe(rule, instance);
    const prev = tracked.get(d.fingerprint);
    const next: TrackedAlert = {
      ...d,
      ...stateOf(advance(prev, true, nowMs, timing, instance.cleared === true)),
    };
    note(prev, next);
    alerts.set(d.fingerprint, next);
    changed.push(next);
  }
  for (const [fp, prev] of tracked) {
    if (alerts.has(fp)) continue;
    const state = advance(prev, false, nowMs, timing);
    const next: TrackedAlert = { ...prev, ...stateOf(state) };
    if (
      state.phase === 'inactive' ||
      (state.phase === 'resolved' && nowMs - (state.resolvedAt ?? nowMs) >= resolvedRetentionMs)
    ) {
      note(prev, next);
      dropped.push(fp);
      continue;
    }
    note(prev, next);
    alerts.set(fp, next);
    if (state !== prev) changed.push(next);
  }
  // In fingerprint order, whatever order the alerts were loaded or found in: the log reads the same after a restart.
  transitions.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { alerts, changed, dropped, transitions };
}
