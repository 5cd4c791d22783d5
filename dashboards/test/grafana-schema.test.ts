import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { outDir } from '../src/build.ts';

// The committed dashboards checked against the dashboard schema of the Grafana that compose pins (11.6: the
// package `grafana-schema-11.6` is @grafana/schema 11.6.0, the TypeScript types Grafana generates from its CUE
// schema). Each JSON file becomes an object literal typed as that schema's Dashboard and is compiled: an unknown
// field anywhere (TypeScript's excess property check) or a wrong type fails. Two parts are not the dashboard
// schema's but a plugin's and Grafana's frontend's, and are typed here as those define them: a target's InfluxQL
// fields (the influxdb datasource's query: query, rawQuery, resultFormat, alias) and an annotation's `mappings`
// (@grafana/data's AnnotationQuery). The import-only `__inputs` and `__requires` are Grafana's export format.
const header = `import type { AnnotationQuery, Dashboard, DataQuery, Panel, RowPanel } from 'grafana-schema-11.6';
type InfluxQuery = DataQuery & { query?: string; rawQuery?: boolean; resultFormat?: 'time_series' | 'table' | 'logs'; alias?: string };
type Mapping = { source: 'field' | 'text' | 'skip'; value?: string; regex?: string };
type Annotation = AnnotationQuery<InfluxQuery> & { mappings?: Record<string, Mapping> };
type Input = { name: string; label: string; description?: string; type: 'datasource'; pluginId: string; pluginName: string };
type Requirement = { type: 'grafana' | 'datasource' | 'panel'; id: string; name: string; version: string };
// The schema's enums (ThresholdsMode.Absolute …) as the strings JSON holds ('absolute').
type Loose<T> = T extends string ? \`\${T}\` : T extends readonly (infer U)[] ? Loose<U>[] : T extends object ? { [K in keyof T]: Loose<T[K]> } : T;
type Checked = Loose<Omit<Dashboard, 'panels' | 'annotations'>> & {
  __inputs: Input[];
  __requires: Requirement[];
  panels?: Array<Loose<Omit<Panel, 'targets'>> & { targets?: InfluxQuery[] } | Loose<RowPanel>>;
  annotations?: { list?: Loose<Annotation>[] };
};
`;

/** The compiler's errors for each dashboard file, as `file:line: message`. */
export function schemaErrors(files: string[]): string[] {
  const dir = mkdtempSync(join(import.meta.dirname, '.schema-check-'));
  try {
    const sources = files.map((f, i) => {
      const path = join(dir, `d${i}.ts`);
      writeFileSync(path, `${header}export const d: Checked = ${readFileSync(f, 'utf8')};\n`);
      return path;
    });
    const program = ts.createProgram(sources, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const at =
        d.file === undefined || d.start === undefined
          ? undefined
          : d.file.getLineAndCharacterOfPosition(d.start);
      const source = d.file === undefined ? '' : (files[sources.indexOf(d.file.fileName)] ?? d.file.fileName);
      const line = at === undefined ? 0 : at.line + 1 - header.split('\n').length + 1;
      return `${source}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the dashboards import into Grafana 10 and 11 as they are', () => {
  const files = readdirSync(outDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(outDir, f));

  it("match Grafana 11.6's dashboard schema: no unknown field, no wrong type", { timeout: 60_000 }, () => {
    expect(files.length).toBe(6);
    expect(schemaErrors(files)).toEqual([]);
  });

  it('the check fails on a field 11.6 does not know, and on a wrong type', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-schema-'));
    try {
      const d = JSON.parse(readFileSync(files[0] ?? '', 'utf8')) as Record<string, unknown> & {
        annotations: { list: Record<string, unknown>[] };
      };
      const bad = join(dir, 'bad.json');
      const annotations = { list: d.annotations.list.map((a) => ({ ...a, placement: 'inControlsMenu' })) };
      writeFileSync(bad, JSON.stringify({ ...d, annotations, refresh: 30 }));
      const errors = schemaErrors([bad]).join('\n');
      expect(errors).toContain(`'"placement"' does not exist`);
      expect(errors).toContain("Type 'number' is not assignable to type 'string'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carry a schemaVersion Grafana 10 takes, a datasource variable, and __inputs for import', () => {
    for (const f of files) {
      const d = JSON.parse(readFileSync(f, 'utf8')) as {
        schemaVersion: number;
        __inputs: { name: string; pluginId: string }[];
        templating: { list: { type: string; name: string; query: string }[] };
      };
      // Grafana 10.4 writes 39 and migrates older ones up; 11.6 writes 41. Newer (42: Grafana 12) is not read back.
      expect(d.schemaVersion, f).toBe(39);
      expect(d.__inputs, f).toEqual([expect.objectContaining({ name: 'DS_INFLUXDB', pluginId: 'influxdb' })]);
      expect(d.templating.list[0], f).toMatchObject({
        type: 'datasource',
        name: 'datasource',
        query: 'influxdb',
      });
      // No datasource is named by uid: every query reads through the variable.
      expect(readFileSync(f, 'utf8'), f).not.toContain('lookout-influxdb');
    }
  });
});
