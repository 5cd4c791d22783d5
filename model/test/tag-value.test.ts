import { describe, expect, it } from 'vitest';
import { encodeLines } from '../src/line-protocol.ts';
import { decodeTagValue, encodeTagValue } from '../src/tag-value.ts';

describe('tag values', () => {
  it('leave ordinary names as they are and write what line protocol cannot carry as %XX', () => {
    expect(encodeTagValue('payments.orders-v2_eu')).toBe('payments.orders-v2_eu');
    expect(encodeTagValue('ünïcødé ✓, = "q"')).toBe('ünïcødé ✓, = "q"');
    expect(encodeTagValue('a\nb\r\nc')).toBe('a%0Ab%0D%0Ac');
    expect(encodeTagValue('eq\\back\\')).toBe('eq%5Cback%5C');
    expect(encodeTagValue('50%off\u007f\u0000')).toBe('50%25off%7F%00');
  });

  it('decode to the name they were, also where a name looks encoded itself', () => {
    for (const name of ['%2541', '%0A', 'a%', '%%', 'x\n%25\\', '%7f', 'tab\there'])
      expect(decodeTagValue(encodeTagValue(name))).toBe(name);
    // A stored value written before the encoding, with a `%` not of it, reads as it was.
    expect(decodeTagValue('50%off %41')).toBe('50%off %41');
  });

  it('cannot add a line, a tag or a field to the point that carries them', () => {
    const { body } = encodeLines([
      {
        measurement: 'consumer_group',
        tags: { cluster: 'a', group: 'x\ninjected v=1\nBcc: evil,tenant=b x=1' },
        fields: { lag_messages_sum: 1 },
        timeMs: 1,
      },
    ]);
    expect(body.split('\n').filter(Boolean)).toEqual([
      'consumer_group,cluster=a,group=x%0Ainjected\\ v\\=1%0ABcc:\\ evil\\,tenant\\=b\\ x\\=1 lag_messages_sum=1i 1',
    ]);
  });
});
