import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cacheDir, labResources } from './paths.ts';

/** The resolved broker classpath and agent jars. */
export interface KafkaJars {
  dir: string;
  classpath: string;
  jmxAgent: string;
  jolokiaAgent: string;
}

const sizeUnits: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 };

/** Parses Maven's "Downloaded from REPO: URL (12 kB at …)" into a byte count, or undefined for other lines. */
export function downloadedBytes(line: string): number | undefined {
  const match = /Downloaded from [^:]+: \S+ \(([\d.]+) (B|kB|KB|MB|GB)/.exec(line);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return Number(match[1]) * (sizeUnits[match[2]] ?? 1);
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function jarsIn(dir: string): KafkaJars {
  return {
    dir,
    classpath: join(dir, 'libs', '*'),
    jmxAgent: join(dir, 'agents', 'jmx_prometheus_javaagent.jar'),
    jolokiaAgent: join(dir, 'agents', 'jolokia-agent-jvm-javaagent.jar'),
  };
}

/**
 * Resolves the jars of lab/pom.xml from Maven Central into the cache, once per pom version
 * (the folder is named by the pom's hash). Reports download progress through `say`.
 */
export async function ensureKafkaJars(say: (line: string) => void): Promise<KafkaJars> {
  const pom = join(labResources, 'pom.xml');
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 10);
  const dir = join(cacheDir(), `kafka-${hash}`);
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return jarsIn(dir);

  say(`resolving Kafka broker jars and agents from Maven Central into ${dir} (first run only) …`);
  let files = 0;
  let bytes = 0;
  let lastReport = 0;
  const tail: string[] = [];
  const mvn = spawn('mvn', ['-B', '-f', pom, 'package', `-Dlab.out=${dir}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: mvn.stdout });
  lines.on('line', (line) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    const got = downloadedBytes(line);
    if (got === undefined) return;
    files += 1;
    bytes += got;
    if (Date.now() - lastReport > 2_000) {
      lastReport = Date.now();
      say(`  downloaded ${files} files, ${(bytes / 1e6).toFixed(1)} MB …`);
    }
  });
  mvn.stderr.on('data', (chunk: Buffer) => tail.push(chunk.toString()));
  const code = await new Promise<number | null>((ok, fail) => {
    mvn.once('error', (e) => fail(new Error(`could not run mvn (is Maven installed?): ${e.message}`)));
    mvn.once('close', ok);
  });
  if (code !== 0) throw new Error(`mvn failed (exit ${code}) resolving ${pom}:\n${tail.join('\n')}`);
  const jars = jarsIn(dir);
  for (const jar of [jars.jmxAgent, jars.jolokiaAgent]) {
    if (!existsSync(jar)) throw new Error(`mvn finished but ${jar} is missing`);
  }
  writeFileSync(marker, new Date().toISOString());
  const size = folderBytes(join(dir, 'libs')) + folderBytes(join(dir, 'agents'));
  say(
    `  done: ${files} files (${(bytes / 1e6).toFixed(1)} MB) downloaded; broker classpath ${(size / 1e6).toFixed(1)} MB`,
  );
  return jars;
}
