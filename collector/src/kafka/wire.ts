/**
 * The encoder and decoder of the requests we write ourselves (flexible versions: compact strings and arrays,
 * tagged fields), sent through kafkajs's connections the way kafkajs sends its own.
 */
export interface Encoder {
  writeInt8(v: number): Encoder;
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeInt64(v: bigint | number): Encoder;
  writeBoolean(v: boolean): Encoder;
  writeUVarInt(v: number): Encoder;
  writeUVarIntBytes(v?: Buffer): Encoder;
  writeUVarIntString(v: string | null): Encoder;
  writeUVarIntArray(items: Encoder[] | null): Encoder;
}
export interface Decoder {
  readTaggedFields(): void;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): bigint;
  readBoolean(): boolean;
  readUVarIntString(): string | null;
  readUVarIntArray<T>(read: (d: Decoder) => T): T[] | null;
  forward(bytes: number): void;
}

/**
 * Our decoder of flexible-version answers: reads in place (a string straight from the buffer, an int64 as a
 * bigint), where kafkajs's makes a buffer view per string and an int64 through two numbers and a BigInt: a lag
 * cycle decodes 100,000s of them.
 */
class WireDecoder implements Decoder {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  private take(bytes: number): number {
    const at = this.offset;
    if (at + bytes > this.buffer.length)
      throw new RangeError(`answer ends at byte ${this.buffer.length}, wanted ${bytes} at ${at}`);
    this.offset = at + bytes;
    return at;
  }

  private readUVarInt(): number {
    let result = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.buffer[this.take(1)] as number;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
    }
    throw new RangeError('unsigned varint longer than 5 bytes');
  }

  readTaggedFields(): void {
    for (let n = this.readUVarInt(); n > 0; n--) {
      this.readUVarInt(); // tag
      this.take(this.readUVarInt());
    }
  }

  readInt8(): number {
    return this.buffer.readInt8(this.take(1));
  }

  readInt16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }

  readInt32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }

  readInt64(): bigint {
    return this.buffer.readBigInt64BE(this.take(8));
  }

  readBoolean(): boolean {
    return this.readInt8() !== 0;
  }

  readUVarIntString(): string | null {
    const length = this.readUVarInt();
    if (length === 0) return null;
    const at = this.take(length - 1);
    return this.buffer.toString('utf8', at, at + length - 1);
  }

  readUVarIntArray<T>(read: (d: Decoder) => T): T[] | null {
    const length = this.readUVarInt();
    if (length === 0) return null;
    // Every element takes a byte at least: a count beyond the bytes left is a broken or hostile answer.
    if (length - 1 > this.buffer.length - this.offset)
      throw new RangeError(
        `array of ${length - 1} elements in the ${this.buffer.length - this.offset} bytes left`,
      );
    const out = new Array<T>(length - 1);
    for (let i = 0; i < length - 1; i++) out[i] = read(this);
    return out;
  }

  forward(bytes: number): void {
    this.take(bytes);
  }
}

/**
 * Our encoder: what kafkajs's request framing takes as an encoder (`buf`, and `buffer`, the bytes written), in a
 * buffer that starts small and doubles, where kafkajs's zeroes 512 bytes for every element of an array (a lag
 * cycle's ListOffsets names 12,000 partitions three times).
 */
class WireEncoder implements Encoder {
  buf = Buffer.allocUnsafe(64);
  private offset = 0;

  get buffer(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  /** Makes room for `bytes` more (the buffer may be replaced: take `buf` after) and returns where they go. */
  private room(bytes: number): number {
    if (this.offset + bytes > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.offset + bytes) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    }
    const at = this.offset;
    this.offset += bytes;
    return at;
  }

  writeInt8(v: number): Encoder {
    const at = this.room(1);
    this.buf.writeInt8(v, at);
    return this;
  }

  writeInt16(v: number): Encoder {
    const at = this.room(2);
    this.buf.writeInt16BE(v, at);
    return this;
  }

  writeInt32(v: number): Encoder {
    const at = this.room(4);
    this.buf.writeInt32BE(v, at);
    return this;
  }

  writeInt64(v: bigint | number): Encoder {
    const at = this.room(8);
    this.buf.writeBigInt64BE(BigInt(v), at);
    return this;
  }

  writeBoolean(v: boolean): Encoder {
    return this.writeInt8(v ? 1 : 0);
  }

  writeUVarInt(v: number): Encoder {
    let rest = v >>> 0;
    while (rest >= 0x80) {
      const at = this.room(1);
      this.buf[at] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    const at = this.room(1);
    this.buf[at] = rest;
    return this;
  }

  private writeRaw(bytes: Buffer): Encoder {
    const at = this.room(bytes.length);
    bytes.copy(this.buf, at);
    return this;
  }

  /** Compact bytes; none (`undefined`) is a 0, also what ends a struct without tagged fields. */
  writeUVarIntBytes(v?: Buffer): Encoder {
    if (v === undefined) return this.writeUVarInt(0);
    this.writeUVarInt(v.length + 1);
    return this.writeRaw(v);
  }

  writeUVarIntString(v: string | null): Encoder {
    if (v === null) return this.writeUVarInt(0);
    const length = Buffer.byteLength(v, 'utf8');
    this.writeUVarInt(length + 1);
    const at = this.room(length);
    this.buf.write(v, at, length, 'utf8');
    return this;
  }

  writeUVarIntArray(items: Encoder[] | null): Encoder {
    if (items === null) return this.writeUVarInt(0);
    this.writeUVarInt(items.length + 1);
    for (const item of items) this.writeRaw((item as WireEncoder).buffer);
    return this;
  }
}

export const encoder = (): Encoder => new WireEncoder();
/** An encoder filled by `fill`: an element of a compact array of structs. */
export const encoderOf = (fill: (e: Encoder) => Encoder): Encoder => fill(encoder());
export const decoder = (raw: Buffer): Decoder => new WireDecoder(raw);

/** A request object for `DirectBroker.send`, decoded by `decode` (response header tagged fields skipped). */
export function flexibleRequest<T>(
  apiKey: number,
  apiVersion: number,
  apiName: string,
  body: (e: Encoder) => Encoder,
  decode: (d: Decoder) => T,
): { request: unknown; response: unknown } {
  return {
    request: {
      apiKey,
      apiVersion,
      apiName,
      // Request header tagged fields (kafkajs writes header v1), then the body.
      encode: () => Promise.resolve(body(encoder().writeUVarIntBytes())),
    },
    response: {
      decode: (raw: Buffer) => {
        const d = decoder(raw);
        d.readTaggedFields();
        return Promise.resolve(decode(d));
      },
      parse: (data: T) => Promise.resolve(data),
    },
  };
}
