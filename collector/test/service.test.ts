import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createSelfMetrics } from '../src/self-metrics.ts';
import { cronExpression } from '../../model/src/schedule.ts';
import { startCollector } from '../src/service.ts';
import { Spool } from '../src/sink/spool.ts';
import type { Source } from '../src/source.ts';

/** An in-memory source (our own port): answers after `delayMs`, or never; records when it was asked. */
function fakeSource(target: string, delayMs: number | 'never', asked: number[]): Source {
  return {
    cluster: 'c',
    target,
    kind: 'jmx',
    collect: (nowMs) => {
      asked.push(nowMs);
      if (delayMs === 'never') return new Promise(() => undefined);
      return new Promise((done) =>
        setTimeout(
          () =>
            done({
              samples: [
                {
                  measurement: 'broker',
                  tags: { cluster: 'c', broker: target },
                  fields: { leader_count: 1 },
                  timeMs: nowMs,
                },
              ],
              exposed: 1,
              errorCount: 0,
            }),
          delayMs,
        ),
      );
    },
  };
}

describe('cronExpression', () => {
  it.each([
    [1_000, '*/1 * * * * *'],
    [15_000, '*/15 * * * * *'],
    [60_000, '0 */1 * * * *'],
    [300_000, '0 */5 * * * *'],
  ])('%i ms → %s', (ms, expression) => expect(cronExpression(ms)).toBe(expression));
});

describe('startCollector (in-memory sources and sink)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-service-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every healthy target on its 1 s cadence while one target never answers', async () => {
    const fast: number[] = [];
    const hung: number[] = [];
    const written: string[] = [];
    const metrics = createSelfMetrics();
    const spool = new Spool(dir, 1 << 20, () => undefined);
    const running = startCollector({
      sources: [fakeSource('1', 20, fast), fakeSource('2', 'never', hung)],
      writeFor: () => (body) => {
        written.push(body);
        return Promise.resolve({ ok: true });
      },
      spoolState: () => spool.state(),
      metrics,
      log: pino({ level: 'silent' }),
      intervalMs: 1_000,
      timeoutMs: 500,
      clock: () => Date.now(),
    });
    await new Promise((r) => setTimeout(r, 4_300));
    await running.stop();
    expect(fast.length).toBeGreaterThanOrEqual(4);
    expect(hung.length).toBe(fast.length); // asked every tick: its deadline ends each scrape before the next
    const gaps = fast.slice(1).map((t, i) => t - (fast[i] ?? 0));
    for (const gap of gaps) expect(Math.abs(gap - 1_000)).toBeLessThan(150);
    expect(written.join('')).toMatch(/^scrape,cluster=c,source=jmx,target=2 .*up=0i/m);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^lookout_collector_target_up\{cluster="c",target="1",source="jmx"\} 1$/m);
    expect(text).toMatch(/^lookout_collector_target_up\{cluster="c",target="2",source="jmx"\} 0$/m);
    expect(text).not.toMatch(/^lookout_collector_skipped_scrapes_total\{/m); // nothing was skipped
    expect(running.lastCompleteMs()).toBeGreaterThan(0);
  }, 10_000);
});
