import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { parseRuleFile } from '../../rules/src/load.ts';
import { MemoryPort } from '../../rules/src/memory-port.ts';
import { StoreUnreachable } from '../../rules/src/query.ts';
import type { QueryPort } from '../../rules/src/query.ts';
import { Engine, withOverrides } from '../src/engine/engine.ts';
import type { EvaluationChanges, StatePort } from '../src/engine/engine.ts';
import { selfAlerts } from '../src/engine/self-alerts.ts';

const { rules } = parseRuleFile(
  `rules:
  - alert: BrokerGone
    severity: page
    audience: [operators]
    metric: cluster_broker.registered
    window: 1m
    reduce: last
    op: '<'
    threshold: 1
    for: 1m
    annotations: { summary: 'broker {{labels.broker}} gone', description: d, runbook: r }
  - alert: LowIdle
    severity: ticket
    audience: [operators]
    metric: broker.request_handler_idle_ratio
    window: 1m
    reduce: last
    op: '<'
    threshold: 0.2
    annotations: { summary: s, description: d, runbook: r }
`,
  'test.yaml',
);

class MemoryState implements StatePort {
  writes: EvaluationChanges[] = [];
  constructor(private readonly initial = new Map<string, Map<string, TrackedAlert>>()) {}
  load() {
    return this.initial;
  }
  apply(changes: EvaluationChanges) {
    this.writes.push(changes);
  }
}

const down = (port: MemoryPort, timeMs: number, registered: number): void =>
  port.add({
    measurement: 'cluster_broker',
    tags: { cluster: 'a', broker: '1' },
    timeMs,
    fields: { registered },
  });

const phases = (engine: Engine) =>
  Object.fromEntries(
    engine.alerts().map((a) => [`${a.rule}${a.labels.broker ?? ''}${a.labels.rule ?? ''}`, a.phase]),
  );

describe("the engine's own alerts", () => {
  it('each has a runbook section', () => {
    const runbooks = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');
    for (const a of selfAlerts) {
      expect(a.annotations.runbook).toBe(`docs/runbooks.md#${a.alert.toLowerCase()}`);
      expect(runbooks).toContain(`### ${a.alert}\n`);
    }
  });
});

describe('Engine', () => {
  it('fires after for, writes every change of an evaluation at once, and keeps the watchdog firing', async () => {
    const port = new MemoryPort();
    const state = new MemoryState();
    const engine = new Engine({ rules, port, state });
    down(port, 0, 0);
    down(port, 30_000, 0);
    down(port, 60_000, 0);
    await engine.evaluate(0);
    expect(phases(engine)).toEqual({ BrokerGone1: 'pending', LookoutWatchdog: 'firing' });
    await engine.evaluate(60_000);
    expect(phases(engine)).toEqual({ BrokerGone1: 'firing', LookoutWatchdog: 'firing' });
    expect(state.writes).toHaveLength(2);
    expect(state.writes[1]?.transitions).toEqual([
      expect.objectContaining({ rule: 'BrokerGone', from: 'pending', to: 'firing', atMs: 60_000 }),
    ]);
    expect(engine.alerts().find((a) => a.rule === 'BrokerGone')?.annotations.summary).toBe('broker 1 gone');
    expect(engine.ruleStatus().map((s) => [s.rule, s.health, s.firing])).toEqual([
      ['BrokerGone', 'ok', 1],
      ['LowIdle', 'ok', 0],
    ]);
  });

  it('raises the store alert in the very evaluation that cannot reach it, and resolves nothing while blind', async () => {
    const port = new MemoryPort();
    let reachable = true;
    const flaky: QueryPort = {
      run: (qs) => (reachable ? port.run(qs) : Promise.reject(new StoreUnreachable('refused'))),
    };
    const engine = new Engine({ rules, port: flaky, state: new MemoryState() });
    for (const t of [0, 30_000, 60_000, 90_000, 120_000]) down(port, t, 0);
    await engine.evaluate(0);
    await engine.evaluate(60_000);
    expect(phases(engine).BrokerGone1).toBe('firing');
    reachable = false;
    const report = await engine.evaluate(120_000);
    expect(report.storeError).toBe('refused');
    expect(phases(engine)).toEqual({
      BrokerGone1: 'firing',
      LookoutWatchdog: 'firing',
      LookoutStoreUnreachable: 'firing',
    });
    expect(
      engine.alerts().find((a) => a.rule === 'LookoutStoreUnreachable')?.annotations.description,
    ).toContain('refused');
    reachable = true;
    down(port, 180_000, 1);
    await engine.evaluate(180_000);
    expect(phases(engine)).toMatchObject({ BrokerGone1: 'resolved', LookoutStoreUnreachable: 'resolved' });
  });

  it('fails only the rules whose query fails, with a rule-failing alert each', async () => {
    const port = new MemoryPort();
    const partial: QueryPort = {
      run: async (qs) => {
        const answers = await port.run(qs);
        return answers.map((a, i) => (qs[i]?.measurement === 'broker' ? new Error('InfluxDB: boom') : a));
      },
    };
    const engine = new Engine({ rules, port: partial, state: new MemoryState() });
    down(port, 0, 0);
    const report = await engine.evaluate(0);
    expect(report.failed).toBe(1);
    expect(phases(engine)).toEqual({
      BrokerGone1: 'pending',
      LookoutRuleFailingLowIdle: 'firing',
      LookoutWatchdog: 'firing',
    });
    expect(engine.ruleStatus().find((s) => s.rule === 'LowIdle')).toMatchObject({
      health: 'error',
      error: 'InfluxDB: boom',
    });
  });

  it('restores tracked alerts from its state, and applies overrides and switched-off rules', async () => {
    const first = new MemoryState();
    const port = new MemoryPort();
    down(port, 0, 0);
    const a = new Engine({ rules, port, state: first });
    await a.evaluate(0);
    const saved = new Map<string, Map<string, TrackedAlert>>();
    for (const alert of a.alerts()) saved.set(alert.rule, new Map([[alert.fingerprint, alert]]));
    const b = new Engine({
      rules: withOverrides(rules, { BrokerGone: { for: 0 }, LowIdle: { disabled: true } }),
      port,
      state: new MemoryState(saved),
    });
    expect(b.ruleStatus().map((s) => s.rule)).toEqual(['BrokerGone']);
    const report = await b.evaluate(30_000);
    expect(report.transitions.map((t) => `${t.rule} ${t.from}→${t.to}`)).toEqual([
      'BrokerGone pending→firing',
    ]);
  });
});
