import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['bin/lookout.mjs', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

// `lookout collect status` against a real HTTP server answering /healthz as a fleet member does.
describe('lookout collect status', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/healthz') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          healthy: true,
          lastCompleteMs: Date.parse('2026-12-08T00:00:00Z'),
          spool: { batches: 0, points: 0, bytes: 0 },
          fleet: {
            group: 'lookout-collectors',
            member: 'c1',
            memberId: 'c1-abc',
            generation: 7,
            units: ['cluster a', 'jmx b 1'],
            total: 8,
          },
        }),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(() => server.close());

  it("prints a fleet member's health, generation and units", async () => {
    const { code, stdout } = await run('collect', 'status', '--url', url);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `${url}: healthy, last complete cycle 2026-12-08T00:00:00.000Z, 0 point(s) spooled`,
        'fleet lookout-collectors, member c1, generation 7: 2 of 8 units',
        '  cluster a',
        '  jmx b 1',
        '',
      ].join('\n'),
    );
  }, 30_000);

  it('says so when no collector answers, and exits 1', async () => {
    const { code, stderr } = await run('collect', 'status', '--url', 'http://127.0.0.1:1');
    expect(code).toBe(1);
    expect(stderr).toContain('no collector answers at http://127.0.0.1:1');
  }, 30_000);
});
