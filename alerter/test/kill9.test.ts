import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine.ts';
import { AlertStore } from '../src/store/sqlite.ts';
import { scenarioPort, scenarioRules, stepMs, steps } from './scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'lookout-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until it finishes, killing it with SIGKILL after a random delay each time. */
async function runWithKills(db: string, seed: number): Promise<{ kills: number; resumedFrom: number[] }> {
  let kills = 0;
  const resumedFrom: number[] = [];
  let x = seed;
  const rand = (): number => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let attempt = 0; attempt < 10; attempt++) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'kill9-child.mts'), db],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    // Kill at a random moment once the child has started evaluating (it prints "from N" first).
    const started = new Promise<void>((ok) => child.stdout.on('data', () => ok()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    // Eight kills at random moments, then it is left to finish.
    const killer = started.then(async () => {
      if (attempt >= 8) return;
      await new Promise((ok) => setTimeout(ok, 20 + rand() * 400));
      if (child.exitCode === null && child.kill('SIGKILL')) kills += 1;
    });
    const code = await exited;
    await Promise.race([killer, new Promise((ok) => setTimeout(ok, 10))]);
    const from = /from (\d+)/.exec(out)?.[1];
    if (from !== undefined) resumedFrom.push(Number(from));
    if (code === 0 && out.includes('done')) return { kills, resumedFrom };
  }
  throw new Error('the scenario never finished');
}

const withoutId = <T extends { id: number }>(t: T): Omit<T, 'id'> => {
  const copy: Partial<T> = { ...t };
  delete copy.id;
  return copy as Omit<T, 'id'>;
};

describe('kill -9 of the alerter at random moments', () => {
  it('loses no transition and duplicates none', async () => {
    // The reference: the same scenario, uninterrupted.
    const referenceDb = join(dir, 'reference.db');
    const reference = new AlertStore(referenceDb);
    const engine = new Engine({ rules: scenarioRules(), port: scenarioPort(), state: reference });
    for (let i = 0; i <= steps; i++) await engine.evaluate(i * stepMs);
    const expected = reference.transitions(0, 100_000).map(withoutId);
    const expectedAlerts = reference.load();
    reference.close();
    expect(expected.filter((t) => t.to === 'firing').length).toBeGreaterThan(10);
    expect(expected.filter((t) => t.to === 'resolved').length).toBeGreaterThan(10);
    expect(expected.every((t) => t.labels.alertname === t.rule)).toBe(true);

    const killedDb = join(dir, 'killed.db');
    const run = await runWithKills(killedDb, 7);
    expect(run.kills).toBeGreaterThanOrEqual(3);
    // It was killed mid-scenario and resumed where its last written evaluation left off.
    expect(run.resumedFrom.filter((n) => n > 0 && n <= steps).length).toBeGreaterThanOrEqual(3);
    const killed = new AlertStore(killedDb);
    const got = killed.transitions(0, 100_000).map(withoutId);
    const gotAlerts = killed.load();
    killed.close();
    expect(got).toEqual(expected);
    expect(gotAlerts).toEqual(expectedAlerts);
  }, 240_000);
});
