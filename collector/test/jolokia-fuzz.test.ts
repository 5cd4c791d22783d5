import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../lab/src/random.ts';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { mapJolokia } from '../src/sources/jolokia.ts';

/** A random JSON value, `depth` levels at most: what a broken or hostile agent might answer. */
function randomJson(rand: () => number, depth: number): unknown {
  const pick = Math.floor(rand() * (depth > 0 ? 9 : 6));
  const keys = [
    'status',
    'value',
    'error',
    '__proto__',
    'constructor',
    'Value',
    'kafka.server:type=x,name=*',
    '',
  ];
  switch (pick) {
    case 0:
      return null;
    case 1:
      return [200, 404, 500, -1, 1e308, Number.MAX_SAFE_INTEGER][Math.floor(rand() * 6)];
    case 2:
      return 'x'.repeat(Math.floor(rand() * 50));
    case 3:
      return rand() < 0.5;
    case 4:
      return ['kafka.server:type=ReplicaManager,name=*', 'a:b=c,d=*', ':=,', 'java.lang:type=Memory'][
        Math.floor(rand() * 4)
      ];
    case 5:
      return rand() * 1e6;
    case 6:
    case 7:
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 5) }, () => [
          keys[Math.floor(rand() * keys.length)] ?? '',
          randomJson(rand, depth - 1),
        ]),
      );
    default:
      return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth - 1));
  }
}

describe("Jolokia's answers, fuzzed", () => {
  it('never throws on random and hostile entries, keeps only finite numbers, counts what failed', () => {
    const rand = seededRandom(7);
    const target = { cluster: 'c', broker: '1', url: 'http://h:8778/jolokia/' };
    for (let round = 0; round < 2_000; round++) {
      const answers = jmxMetrics.map(() =>
        rand() < 0.5 ? { status: 200, value: randomJson(rand, 3) } : randomJson(rand, 3),
      );
      const mapped = mapJolokia(jmxMetrics, answers as never, target, 0);
      expect(mapped.errorCount).toBeLessThanOrEqual(jmxMetrics.length);
      for (const s of mapped.samples) {
        expect(s.tags.cluster).toBe('c');
        for (const v of Object.values(s.fields)) expect(Number.isFinite(v)).toBe(true);
      }
      expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    }
  });
});
