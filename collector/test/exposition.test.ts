import { describe, expect, it } from 'vitest';
import { parseExposition, parseExpositionToArray } from '../src/exposition.ts';
import { brokerExposition } from '../../test/fixtures/broker-exposition.ts';

const one = (line: string) => parseExpositionToArray(`${line}\n`);

describe('parseExposition: well-formed lines', () => {
  it.each([
    ['up 1', { name: 'up', labels: {}, value: 1 }],
    ['a_b:c{x="1",y="two"} 2.5', { name: 'a_b:c', labels: { x: '1', y: 'two' }, value: 2.5 }],
    ['m{x="1",} 3', { name: 'm', labels: { x: '1' }, value: 3 }],
    ['m{ x = "1" , y="2" } 4', { name: 'm', labels: { x: '1', y: '2' }, value: 4 }],
    ['m {x="1"} 5', { name: 'm', labels: { x: '1' }, value: 5 }],
    ['m{} 6', { name: 'm', labels: {}, value: 6 }],
    ['m 2.68435456E8', { name: 'm', labels: {}, value: 268435456 }],
    ['m 1.795434987445E9', { name: 'm', labels: {}, value: 1795434987.445 }],
    ['m -0.5e-3', { name: 'm', labels: {}, value: -0.0005 }],
    ['m 12345678901234567890', { name: 'm', labels: {}, value: Number('12345678901234567890') }],
    ['m 0.1', { name: 'm', labels: {}, value: 0.1 }],
    ['m +Inf', { name: 'm', labels: {}, value: Number.POSITIVE_INFINITY }],
    ['m -Inf', { name: 'm', labels: {}, value: Number.NEGATIVE_INFINITY }],
    [
      'm{q="0.99"} 7 1700000000000',
      { name: 'm', labels: { q: '0.99' }, value: 7, timestampMs: 1700000000000 },
    ],
    ['m\t8', { name: 'm', labels: {}, value: 8 }],
    ['m 9\r', { name: 'm', labels: {}, value: 9 }],
    [
      String.raw`m{p="a\\b",q="say \"hi\"",r="x\ny"} 1`,
      { name: 'm', labels: { p: 'a\\b', q: 'say "hi"', r: 'x\ny' }, value: 1 },
    ],
    ['m{path="C:/x y,z}"} 1', { name: 'm', labels: { path: 'C:/x y,z}' }, value: 1 }],
  ])('%s', (line, expected) => {
    const { parsed, summary } = one(line);
    expect(summary.errors).toEqual([]);
    expect(parsed).toEqual([expected]);
  });

  it('reads NaN as NaN', () => {
    expect(Number.isNaN(one('m NaN').parsed[0]?.value)).toBe(true);
  });

  it('keeps histogram and summary series apart (the npm parser merges labelled ones)', () => {
    const text = [
      '# TYPE rt histogram',
      'rt_bucket{api="a",le="1"} 1',
      'rt_bucket{api="a",le="+Inf"} 2',
      'rt_bucket{api="b",le="1"} 5',
      'rt_bucket{api="b",le="+Inf"} 7',
      'rt_sum{api="a"} 0.5',
      'rt_sum{api="b"} 3',
      'rt_count{api="a"} 2',
      'rt_count{api="b"} 7',
      '# TYPE lat summary',
      'lat{quantile="0.99",request="Produce"} 12',
      'lat{quantile="0.99",request="Fetch"} 40',
    ].join('\n');
    const { parsed, summary } = parseExpositionToArray(text);
    expect(parsed).toHaveLength(10);
    expect(parsed.filter((s) => s.name === 'rt_count').map((s) => [s.labels.api, s.value])).toEqual([
      ['a', 2],
      ['b', 7],
    ]);
    expect(summary.types.get('rt')).toBe('histogram');
    expect(summary.types.get('lat')).toBe('summary');
  });

  it('ignores HELP and free comments, and blank lines', () => {
    const { parsed, summary } = parseExpositionToArray(
      '# HELP m text {with} "odd" chars\n\n# a comment\nm 1\n   \n',
    );
    expect(parsed).toHaveLength(1);
    expect(summary.errorCount).toBe(0);
  });

  it('decodes label sets only on demand, from the fast path and from the full reader alike', () => {
    const seen: string[][] = [];
    parseExposition('m{a="1",b="x\\"y"} 1\nm{a="2"} 2\n', (_n, labels) => seen.push(labels.pairs()));
    expect(seen).toEqual([
      ['a', '1', 'b', 'x"y'],
      ['a', '2'],
    ]);
  });

  it('reads UTF-8 label values and a Buffer input', () => {
    const { parsed } = parseExpositionToArray(Buffer.from('m{topic="zähler-€"} 1\n'));
    expect(parsed).toEqual([{ name: 'm', labels: { topic: 'zähler-€' }, value: 1 }]);
  });
});

describe('parseExposition: malformed lines are reported with their line and skipped', () => {
  it.each([
    ['9m 1', 'metric name expected'],
    ['m', 'value expected'],
    ['m{x="1"', "',' or '}' expected after label 'x'"],
    ['m{x=1} 1', `'"' expected for label 'x'`],
    ['m{x} 1', `'=' expected after label 'x'`],
    ['m{x="1" y="2"} 1', `',' or '}' expected`],
    ['m{1x="1"} 1', 'label name expected'],
    ['m one', "bad value 'one'"],
    ['m 1 notatime', "bad timestamp 'notatime'"],
    ['m 1 2 3', 'unexpected text after the timestamp'],
    ['m{x="unterminated} 1', 'unterminated value'],
    ['# TYPE m sometype', "unknown metric type 'sometype'"],
  ])('%s', (line, message) => {
    const { parsed, summary } = parseExpositionToArray(`ok 1\n${line}\nok 2\n`);
    expect(parsed.map((s) => s.value)).toEqual([1, 2]);
    expect(summary.errorCount).toBe(1);
    expect(summary.errors[0]?.line).toBe(2);
    expect(summary.errors[0]?.message).toContain(message);
  });

  it('bounds line length, labels per sample and errors kept', () => {
    const limits = { maxLineBytes: 100, maxLabels: 3, maxErrorsKept: 2 };
    const text = [`m{x="${'a'.repeat(200)}"} 1`, 'm{a="1",b="2",c="3",d="4"} 1', 'bad', 'bad', 'ok 1'].join(
      '\n',
    );
    const { parsed, summary } = parseExpositionToArray(text, limits);
    expect(parsed).toHaveLength(1);
    expect(summary.errorCount).toBe(4);
    expect(summary.errors).toHaveLength(2);
    expect(summary.errors[0]?.message).toContain('longer than 100');
    expect(summary.errors[1]?.message).toContain('more than 3 labels');
  });
});

describe('parseExposition: property checks', () => {
  it('reads a broker-shaped exposition with no error and every sample', () => {
    const text = brokerExposition(200);
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const summary = parseExposition(text, () => undefined);
    expect(summary.errorCount).toBe(0);
    expect(summary.samples).toBe(lines.length);
  });

  it('agrees with Number() on random decimals', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 5_000; k++) {
      const digits = String(Math.floor(rand() * 1e12));
      const token = `${rand() < 0.3 ? '-' : ''}${digits.slice(0, 1 + Math.floor(rand() * digits.length))}.${digits.slice(-3)}${rand() < 0.5 ? `e${Math.floor(rand() * 40) - 20}` : ''}`;
      expect(one(`m ${token}`).parsed[0]?.value).toBe(Number(token));
    }
  });

  it('never throws, and reports rather than invents, on random and mutated input', () => {
    let seed = 42;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const base = brokerExposition(20);
    const alphabet = ' \t\n{}",=\\#abcxyz019.-+eE\r';
    for (let k = 0; k < 300; k++) {
      const chars = [...base.slice(0, 2_000)];
      for (let m = 0; m < 20; m++) chars[rand(chars.length)] = alphabet[rand(alphabet.length)] ?? '';
      const random = Array.from({ length: 200 }, () => alphabet[rand(alphabet.length)]).join('');
      for (const text of [chars.join(''), random]) {
        const { parsed, summary } = parseExpositionToArray(text);
        const lines = text.split('\n').length;
        expect(parsed.length + summary.errorCount).toBeLessThanOrEqual(lines);
        for (const s of parsed) expect(s.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      }
    }
  });
});
