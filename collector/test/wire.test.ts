import { describe, expect, it } from 'vitest';
import { decoder, encoder, encoderOf } from '../src/kafka/wire.ts';

const bytes = (e: ReturnType<typeof encoder>): Buffer => (e as unknown as { buffer: Buffer }).buffer;

describe('the wire encoder', () => {
  it('writes the flexible versions of Kafka’s types as the protocol specifies them', () => {
    const e = encoder()
      .writeInt8(-1)
      .writeInt16(258)
      .writeInt32(-2)
      .writeInt64(-2)
      .writeBoolean(true)
      .writeUVarInt(300) // 0xac 0x02
      .writeUVarIntString('ab') // length + 1, then UTF-8
      .writeUVarIntString(null)
      .writeUVarIntArray([encoderOf((x) => x.writeInt8(7))])
      .writeUVarIntArray(null)
      .writeUVarIntBytes(); // no tagged fields
    expect(bytes(e).toString('hex')).toBe(
      'ff' +
        '0102' +
        'fffffffe' +
        'fffffffffffffffe' +
        '01' +
        'ac02' +
        '036162' +
        '00' +
        '0207' +
        '00' +
        '00',
    );
  });

  it('grows past its first buffer without losing what it wrote', () => {
    const names = Array.from({ length: 500 }, (_, i) => `group-é-${i}`);
    const e = encoder().writeUVarIntArray(
      names.map((n) => encoderOf((x) => x.writeUVarIntString(n).writeInt64(1n << 40n))),
    );
    const read = decoder(bytes(e)).readUVarIntArray((d) => [d.readUVarIntString(), d.readInt64()] as const);
    expect(read).toEqual(names.map((n) => [n, 1n << 40n]));
  });
});

describe('the wire decoder', () => {
  it('skips tagged fields and reads nulls', () => {
    // Two tagged fields (tag 0, 2 bytes; tag 5, 1 byte), then a null string, a null array and an int32.
    const d = decoder(Buffer.from('02' + '00020102' + '050103' + '00' + '00' + '0000002a', 'hex'));
    d.readTaggedFields();
    expect(d.readUVarIntString()).toBeNull();
    expect(d.readUVarIntArray((x) => x.readInt8())).toBeNull();
    expect(d.readInt32()).toBe(42);
  });

  it('says where a truncated answer ends instead of reading past it', () => {
    const d = decoder(Buffer.from('05616263', 'hex')); // a string of 4 bytes, 3 there
    expect(() => d.readUVarIntString()).toThrow(/answer ends at byte 4, wanted 4 at 1/);
    expect(() => decoder(Buffer.from('ffffffffff7f', 'hex')).readTaggedFields()).toThrow(/varint/);
  });
});
