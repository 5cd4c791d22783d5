import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { buildNameIndex } from '../src/jmx-names.ts';
import { runSource } from '../src/source.ts';
import { jmxTextSource } from '../src/sources/jmx-text.ts';

// A real HTTP server answering what a broken exporter (or something else on its port) sends.
const valid =
  'kafka_server_replicamanager_underreplicatedpartitions 0\nkafka_server_replicamanager_leadercount 4\n';
const bodies: Record<string, Buffer> = {
  '/garbage': Buffer.concat([Buffer.from(valid), randomBytes(2 * 2 ** 20)]),
  '/mostly-fine': Buffer.from(`${valid.repeat(50)}this line is not a sample\n`),
};
const server = createServer((req, res) => res.end(bodies[req.url ?? ''] ?? ''));
let base = '';

beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const scrape = async (path: string) => {
  const source = jmxTextSource(
    { cluster: 'c', broker: '1', url: `${base}${path}` },
    buildNameIndex(jmxMetrics),
  );
  const samples = await runSource(source, 1_000, 10_000, () => Date.now());
  return { samples, scrape: samples.find((s) => s.measurement === 'scrape')?.fields ?? {} };
};

describe('a JMX target whose answer is mostly garbage', () => {
  it('is not up: 2 MB of binary garbage after two good lines is a failed scrape that says why', async () => {
    const { samples, scrape: s } = await scrape('/garbage');
    expect(s.up).toBe(0);
    expect(String(s.error)).toMatch(
      /^mostly unusable: \d+ malformed lines or failed entries against \d+ samples; the first: line \d+/,
    );
    expect(Number(s.errors)).toBeGreaterThan(Number(s.samples));
    // What it did give is kept.
    expect(samples.find((x) => x.measurement === 'broker')?.fields.leader_count).toBe(4);
  });

  it('stays up with one bad line among a hundred good ones, and names the line', async () => {
    const { scrape: s } = await scrape('/mostly-fine');
    expect(s.up).toBe(1);
    expect(s.errors).toBe(1);
    expect(String(s.error)).toMatch(/^line 101: /);
  });
});
