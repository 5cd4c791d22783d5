import { catalog } from './catalog.ts';
import type { MeasurementSpec } from './catalog.ts';
import { jmxMetrics } from './jmx.ts';

/** Where each field comes from, for the document. */
function originOf(measurement: string, field: string): string {
  const jmx = jmxMetrics.find((m) => m.measurement === measurement && m.field === field);
  if (jmx === undefined) return measurement === 'scrape' ? 'collector' : '';
  return `\`${jmx.mbean}\` ${jmx.attribute}${jmx.path === undefined ? '' : `.${jmx.path}`}`;
}

/** Renders `docs/schema.md` from the catalog: the document is generated, and a test keeps it current. */
export function renderSchemaDoc(): string {
  const out = [
    '# Lookout schema',
    '',
    'Every measurement Lookout writes to InfluxDB, generated from `model/src/catalog.ts` by',
    '`npx lookout schema > docs/schema.md` (a test fails when this file is stale).',
    '',
    'Timestamps are ms precision. Integer fields are stored as InfluxDB integers and never change type.',
    'Counters (`kind` counter) only grow while the process that owns them lives; read them with',
    '`non_negative_derivative`. Tags that do not apply are left out, never written empty.',
    '',
  ];
  for (const [name, spec] of Object.entries(catalog) as [string, MeasurementSpec][]) {
    out.push(`## \`${name}\``, '', spec.help, '', `Tags: ${spec.tags.map((t) => `\`${t}\``).join(', ')}`, '');
    out.push('| field | type | unit | kind | meaning | source |', '|---|---|---|---|---|---|');
    for (const [field, f] of Object.entries(spec.fields)) {
      out.push(`| \`${field}\` | ${f.type} | ${f.unit} | ${f.kind} | ${f.help} | ${originOf(name, field)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
