import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInfluxd, startInfluxd, waitInfluxReady, writeInfluxConfig } from '../lab/src/influxd.ts';
import { freePorts } from '../lab/src/ports.ts';
import { endProcess } from '../lab/src/process.ts';

/** A throwaway influxd for one benchmark; `stop` ends it and removes its data. */
export async function startBenchInflux(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  ensureInfluxd((line) => console.error(line));
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-influx-'));
  const [http, rpc] = await freePorts(2);
  const record = startInfluxd(dir, writeInfluxConfig(dir, http ?? 0, rpc ?? 0));
  const url = `http://127.0.0.1:${http}`;
  await waitInfluxReady(url, 15_000);
  return {
    url,
    pid: record.pid,
    stop: async () => {
      await endProcess(record.pid, dir, 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
