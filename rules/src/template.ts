import { formatDuration } from '../../model/src/duration.ts';
import { formatValue } from './evaluate.ts';
import type { Instance } from './evaluate.ts';
import type { AlertDefinition, Rule } from './schema.ts';

const placeholder = /\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}/g;

/** The placeholders an annotation may use, for a rule whose instances carry `labels`. */
export function unknownPlaceholders(
  text: string,
  rule: Rule | Omit<Rule, 'file' | 'line'>,
  labels: readonly string[],
): string[] {
  const names = new Set(
    [rule, ...rule.and, ...rule.unless, ...rule.context].flatMap((c) =>
      c.name === undefined ? [] : [`values.${c.name}`],
    ),
  );
  const known = (name: string): boolean =>
    ['value', 'threshold', 'window', 'for', 'evidence'].includes(name) ||
    names.has(name) ||
    (name.startsWith('labels.') && labels.includes(name.slice(7)));
  return [...text.matchAll(placeholder)].map((m) => m[1] ?? '').filter((n) => !known(n));
}

/** An annotation with its placeholders filled from an instance: `{{labels.broker}}`, `{{value}}`, … */
export function render(text: string, rule: AlertDefinition, instance: Instance): string {
  return text.replace(placeholder, (_, name: string) => {
    if (name === 'value') return formatValue(instance.value);
    if (name === 'threshold') return formatValue(instance.threshold);
    if (name === 'window') return formatDuration(rule.window);
    if (name === 'for') return formatDuration(rule.for);
    if (name === 'evidence') return instance.evidence.length === 0 ? '(none)' : instance.evidence.join('; ');
    if (name.startsWith('labels.')) return instance.labels[name.slice(7)] ?? '';
    const v = instance.values[name.slice(7)];
    // A context value whose metric is not collected (no node_exporter, no JMX) reads as such, not as blank.
    return v === undefined ? 'n/a' : formatValue(v);
  });
}
