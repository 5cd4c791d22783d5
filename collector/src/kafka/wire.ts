import { DecoderClass as KafkaDecoder, EncoderClass as KafkaEncoder } from './brokers.ts';

/**
 * kafkajs's protocol encoder and decoder, typed for the requests we write ourselves (flexible versions:
 * compact strings and arrays, tagged fields), the way kafkajs writes its own.
 */
export interface Encoder {
  writeInt8(v: number): Encoder;
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
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
  readInt64(): { toString(): string };
  readBoolean(): boolean;
  readUVarIntString(): string | null;
  readUVarIntArray<T>(read: (d: Decoder) => T): T[] | null;
  forward(bytes: number): void;
}

export const encoder = (): Encoder => new (KafkaEncoder as new () => Encoder)();
/** An encoder filled by `fill`: an element of a compact array of structs. */
export const encoderOf = (fill: (e: Encoder) => Encoder): Encoder => fill(encoder());
export const decoder = (raw: Buffer): Decoder => new (KafkaDecoder as new (data: Buffer) => Decoder)(raw);

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
