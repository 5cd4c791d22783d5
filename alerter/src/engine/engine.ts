import { stepRule } from '../../../rules/src/alert.ts';
import type { TrackedAlert, Transition } from '../../../rules/src/alert.ts';
import { evaluateRules } from '../../../rules/src/evaluate.ts';
import type { Instance, RuleOutcome, TenantThresholds } from '../../../rules/src/evaluate.ts';
import { StoreUnreachable } from '../../../rules/src/query.ts';
import type { QueryPort } from '../../../rules/src/query.ts';
import type { AlertDefinition, Rule } from '../../../rules/src/schema.ts';
import {
  configInvalid,
  notificationsFailing,
  ruleFailing,
  selfAlerts,
  selfInstance,
  storeUnreachable,
  watchdog,
} from './self-alerts.ts';
import type { SelfProblem } from './self-alerts.ts';

/** What one evaluation changed, written in one transaction. */
export interface EvaluationChanges {
  atMs: number;
  changed: readonly TrackedAlert[];
  dropped: readonly string[];
  transitions: readonly Transition[];
}

/** Where the engine keeps its state: loaded once, then every evaluation's changes written in one go. */
export interface StatePort {
  load(): Map<string, Map<string, TrackedAlert>>;
  apply(changes: EvaluationChanges): void;
}

/** A rule's health as the API shows it. */
export interface RuleStatus {
  rule: string;
  file: string;
  severity: Rule['severity'];
  audience: Rule['audience'];
  health: 'unknown' | 'ok' | 'error';
  lastEvaluationMs?: number;
  durationMs?: number;
  error?: string;
  pending: number;
  firing: number;
}

/** What one evaluation did. */
export interface EvaluationReport {
  atMs: number;
  durationMs: number;
  persistMs: number;
  /** Alerts written (new, changed or dropped) in this evaluation's transaction. */
  written: number;
  storeError?: string;
  failed: number;
  transitions: Transition[];
}

/** A rule whose `for`/`keep_firing_for` an install overrides, or that it switches off. */
export interface RuleOverride {
  for?: number;
  keep_firing_for?: number;
  disabled?: boolean;
}

/** The rules with an install's overrides applied; switched-off rules left out. */
export function withOverrides(
  rules: readonly Rule[],
  overrides: Readonly<Record<string, RuleOverride>>,
): Rule[] {
  return rules.flatMap((r) => {
    const o = overrides[r.alert];
    if (o === undefined) return [r];
    if (o.disabled === true) return [];
    return [{ ...r, for: o.for ?? r.for, keep_firing_for: o.keep_firing_for ?? r.keep_firing_for }];
  });
}

/** What an engine evaluates, through what, into what. */
export interface EngineOptions {
  rules: readonly Rule[];
  /** Where the rules' queries are answered. */
  port: QueryPort;
  /** Where tracked alerts and transitions are kept. */
  state: StatePort;
  /** Each tenant's threshold for a rule's labels (the ownership catalog's); none by default. */
  thresholds?: TenantThresholds;
  /** What an evaluation's duration is measured with (performance.now by default). */
  durationClock?: () => number;
  /** The alerter's own problems (tenants catalog, notifications), raised as its self alerts. */
  problems?: () => readonly SelfProblem[];
}

/**
 * The alerting engine: evaluates every rule in one batch through the query port, advances each rule's alerts,
 * raises its own alerts (watchdog, store unreachable, rule failing) and writes all changes of the evaluation in
 * one transaction. A rule that cannot be evaluated, or a store that cannot be read, leaves alerts as they were:
 * nothing resolves while blind. Time is an argument.
 */
export class Engine {
  private readonly tracked: Map<string, Map<string, TrackedAlert>>;
  private readonly status = new Map<string, RuleStatus>();
  private readonly rules: readonly Rule[];
  private readonly port: QueryPort;
  private readonly state: StatePort;
  private readonly tenants: TenantThresholds;
  private readonly clock: () => number;
  private readonly problems: () => readonly SelfProblem[];

  constructor(options: EngineOptions) {
    const { rules, port, state } = options;
    this.rules = rules;
    this.port = port;
    this.state = state;
    this.tenants = options.thresholds ?? (() => undefined);
    this.clock = options.durationClock ?? (() => performance.now());
    this.problems = options.problems ?? (() => []);
    this.tracked = state.load();
    const known = new Set([...rules.map((r) => r.alert), ...selfAlerts.map((a) => a.alert)]);
    for (const name of [...this.tracked.keys()]) if (!known.has(name)) this.tracked.delete(name);
    for (const r of rules)
      this.status.set(r.alert, {
        rule: r.alert,
        file: `${r.file}:${r.line}`,
        severity: r.severity,
        audience: r.audience,
        health: 'unknown',
        pending: 0,
        firing: 0,
      });
  }

  /** One evaluation of every rule at `nowMs`. */
  async evaluate(nowMs: number): Promise<EvaluationReport> {
    const started = this.clock();
    let outcomes = new Map<string, RuleOutcome>();
    let storeError: string | undefined;
    try {
      outcomes = await evaluateRules(this.rules, this.port, nowMs, this.tenants);
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof StoreUnreachable) storeError = message;
      else for (const r of this.rules) outcomes.set(r.alert, { ok: false, error: message });
    }
    const durationMs = this.clock() - started;
    const changed: TrackedAlert[] = [];
    const dropped: string[] = [];
    const transitions: Transition[] = [];
    const step = (def: AlertDefinition, instances: readonly Instance[]): void => {
      const s = stepRule(def, this.tracked.get(def.alert) ?? new Map(), instances, nowMs);
      this.tracked.set(def.alert, s.alerts);
      changed.push(...s.changed);
      dropped.push(...s.dropped);
      transitions.push(...s.transitions);
    };
    const failing: Instance[] = [];
    for (const r of this.rules) {
      const outcome = outcomes.get(r.alert);
      const status = this.status.get(r.alert);
      if (outcome?.ok === true) step(r, outcome.instances);
      else if (outcome !== undefined) failing.push(selfInstance({ rule: r.alert }, [outcome.error]));
      if (status === undefined || storeError !== undefined) continue;
      const alerts = [...(this.tracked.get(r.alert)?.values() ?? [])];
      Object.assign(status, {
        health: outcome?.ok === true ? 'ok' : 'error',
        lastEvaluationMs: nowMs,
        durationMs,
        error: outcome?.ok === false ? outcome.error : undefined,
        pending: alerts.filter((a) => a.phase === 'pending').length,
        firing: alerts.filter((a) => a.phase === 'firing').length,
      });
    }
    step(watchdog, [selfInstance({})]);
    step(storeUnreachable, storeError === undefined ? [] : [selfInstance({}, [storeError])]);
    if (storeError === undefined) step(ruleFailing, failing);
    const problems = this.problems();
    for (const def of [configInvalid, notificationsFailing])
      step(
        def,
        problems.filter((p) => p.alert === def.alert).map((p) => selfInstance(p.labels, [p.error])),
      );
    const before = this.clock();
    this.state.apply({ atMs: nowMs, changed, dropped, transitions });
    return {
      atMs: nowMs,
      durationMs,
      persistMs: this.clock() - before,
      written: changed.length + dropped.length,
      ...(storeError === undefined ? {} : { storeError }),
      failed: failing.length,
      transitions,
    };
  }

  /** Every tracked alert (pending, firing, recently resolved). */
  alerts(): TrackedAlert[] {
    return [...this.tracked.values()].flatMap((m) => [...m.values()]);
  }

  /** Every rule's health. */
  ruleStatus(): RuleStatus[] {
    return [...this.status.values()];
  }
}
