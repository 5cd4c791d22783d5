import { describe, expect, it } from 'vitest';
import { expandValues, parseSeriesName } from '../src/series-notation.ts';

describe('promtool series notation', () => {
  it.each([
    ['1 2 3', [1, 2, 3]],
    ['1x3', [1, 1, 1, 1]],
    ['0+10x3', [0, 10, 20, 30]],
    ['10-2x2', [10, 8, 6]],
    ['1 _ 2 _x1', [1, undefined, 2, undefined, undefined]],
    ['0.5+0.25x2', [0.5, 0.75, 1]],
  ])('%s', (text, values) => expect(expandValues(text)).toEqual(values));

  it('says what it cannot read', () => {
    expect(expandValues('1 two')).toMatch(/cannot read "two"/);
  });

  it('reads a series name with tags', () => {
    expect(parseSeriesName('broker.leader_count{cluster="a",broker="1"}')).toEqual({
      measurement: 'broker',
      field: 'leader_count',
      tags: { cluster: 'a', broker: '1' },
    });
    expect(parseSeriesName('broker{cluster="a"}')).toMatch(/expected measurement.field/);
    expect(parseSeriesName('broker.x{cluster=a}')).toMatch(/cannot read the tags/);
  });
});
