import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publish, summaryTable } from './result.ts';
import type { BenchResult } from './result.ts';

// `npm run bench` runs every bench/*.bench.ts; `npm run bench -- NAME` runs those whose file or result name starts with NAME.
const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts'));
const chosen = files.filter(
  (f) =>
    wanted.length === 0 || wanted.some((w) => f.startsWith(w) || w.startsWith(f.replace('.bench.ts', ''))),
);
if (chosen.length === 0) {
  console.error(
    `no benchmark matches ${wanted.join(' ')}; there are: ${files.map((f) => f.replace('.bench.ts', '')).join(', ')}`,
  );
  process.exit(2);
}
const published: BenchResult[] = [];
const failed: string[] = [];
for (const file of chosen) {
  const mod = (await import(`./${file}`)) as { default: () => Promise<BenchResult[]> | BenchResult[] };
  try {
    for (const res of await mod.default()) {
      if (wanted.length === 0 || wanted.some((w) => res.name.startsWith(w) || file.startsWith(w))) {
        publish(res);
        published.push(res);
      }
    }
  } catch (err) {
    // One benchmark failing does not lose the others' figures: it is named in the closing table's footer.
    console.error(`${file} failed: ${(err as Error).stack ?? String(err)}`);
    failed.push(file);
  }
}
console.log(`\n${summaryTable(published)}`);
if (failed.length > 0) {
  console.log(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
