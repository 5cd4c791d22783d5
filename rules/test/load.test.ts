import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../src/load.ts';

const rule = (extra: string): string => `rules:
  - alert: Example
    severity: ticket
    audience: [operators]
    metric: broker.leader_count
    window: 5m
    reduce: last
    op: '>'
    threshold: 1
${extra}    annotations:
      summary: 'broker {{labels.broker}} leads {{value}}'
      description: d
      runbook: r
`;

describe('parseRuleFile', () => {
  it('reads a valid rule with its file and line', () => {
    const loaded = parseRuleFile(rule(''), 'x.yaml');
    expect(loaded.errors).toEqual([]);
    expect(loaded.rules[0]).toMatchObject({
      alert: 'Example',
      file: 'x.yaml',
      line: 2,
      window: 300_000,
      for: 0,
    });
  });

  it('reports every cross-check error with its line', () => {
    const text = rule(`    where: { topic: orders }
    ratio_to: nope
    and:
      - metric: consumer_group.members
        window: 1m
        reduce: last
        by: [group]
        op: '>'
        threshold: 0
`).replace('{{labels.broker}}', '{{labels.zone}}');
    const loaded = parseRuleFile(text, 'x.yaml');
    expect(loaded.errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      '10: rules.0.where.topic: broker has no tag topic',
      '11: rules.0.ratio_to: broker has no numeric field nope',
      "16: rules.0.and.0.by: joins on group, which the rule's instances (by: cluster, broker) do not carry",
      '20: rules.0.annotations.summary: unknown placeholder {{labels.zone}}',
    ]);
  });

  it('reports schema, catalog and placeholder errors in one pass: the rules that parse are checked too', () => {
    const text = `${rule('').replace('{{labels.broker}}', '{{labels.zone}}')}${rule('')
      .replace('rules:\n', '')
      .replace('Example', 'lowercase')
      .replace(
        'ticket',
        'urgent',
      )}${rule('').replace('rules:\n', '').replace('Example', 'Third').replace('broker.leader_count', 'broker.nope')}`;
    const loaded = parseRuleFile(text, 'x.yaml');
    expect(loaded.errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      '11: rules.0.annotations.summary: unknown placeholder {{labels.zone}}',
      '14: rules.1.alert: an alert name in UpperCamelCase',
      '15: rules.1.severity: Invalid option: expected one of "page"|"ticket"|"info"',
      '29: rules.2.metric: broker.nope is not in the metric catalog',
    ]);
  });

  it('rejects a metric that is not in the catalog, a duplicate alert, a missing horizon', () => {
    const text = `${rule('')}${rule('').replace('rules:\n', '').replace('broker.leader_count', 'broker.nope')}${rule(
      '',
    )
      .replace('rules:\n', '')
      .replace('Example', 'Other')
      .replace('reduce: last', 'reduce: predict_linear')}`;
    const loaded = parseRuleFile(text, 'x.yaml');
    expect(loaded.errors.map((e) => e.message)).toEqual([
      'rules.1.alert: Example is defined twice',
      'rules.1.metric: broker.nope is not in the metric catalog',
      'rules.2.horizon: predict_linear needs a horizon',
    ]);
  });

  it('reports a schema error at its line and column', () => {
    const loaded = parseRuleFile(rule('').replace('window: 5m', 'window: soon'), 'x.yaml');
    expect(loaded.errors).toEqual([
      {
        file: 'x.yaml',
        line: 6,
        column: 13,
        message: 'rules.0.window: expected a duration like 15s, 5m, 7d',
      },
    ]);
  });
});
