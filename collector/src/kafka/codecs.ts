import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';

/**
 * Every compression codec Kafka producers use, for the records the collector reads (the record at a consumer's
 * position, for `exact` lag in seconds): kafkajs has gzip built in and takes the others as codecs. All three
 * are pure JavaScript, so nothing native is built: snappy (with Java's xerial framing) by kafkajs-snappy, LZ4
 * frames by lz4js, zstd by fzstd (decompression only: the collector never produces zstd).
 */
const require = createRequire(import.meta.url);
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const snappy = require('kafkajs-snappy') as () => Codec;
const lz4 = require('lz4js') as {
  compress(src: Uint8Array): Uint8Array;
  decompress(src: Uint8Array): Uint8Array;
};
const zstd = require('fzstd') as { decompress(src: Uint8Array): Uint8Array };

const lz4Codec = (): Codec => ({
  compress: (encoder) => Promise.resolve(Buffer.from(lz4.compress(encoder.buffer))),
  decompress: (buffer) => Promise.resolve(Buffer.from(lz4.decompress(buffer))),
});
const zstdCodec = (): Codec => ({
  compress: () => Promise.reject(new Error('the collector does not produce zstd records')),
  decompress: (buffer) => Promise.resolve(Buffer.from(zstd.decompress(buffer))),
});

/** Registers the codecs with kafkajs (idempotent); every kafkajs client of the collector reads all of them. */
export function registerCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = snappy;
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;
}
