import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WriteOutcome } from '../src/sink/influx.ts';
import { durableWriter } from '../src/sink/durable.ts';
import { Spool } from '../src/sink/spool.ts';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-spool-test-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A server that is down while `down` is true and keeps what it accepted. */
function server() {
  const state = { down: false, received: [] as string[] };
  const write = (body: string): Promise<WriteOutcome> =>
    Promise.resolve(
      state.down
        ? { ok: false, retriable: true, reason: 'connection refused' }
        : (state.received.push(body), { ok: true }),
    );
  return { state, write };
}

describe('Spool and durableWriter', () => {
  it('keeps batches through an outage and delivers all of them, in order, when the server returns', async () => {
    const dir = freshDir();
    const { state, write } = server();
    const durable = durableWriter(write, new Spool(dir, 1 << 20, () => undefined));
    expect(await durable('a 1\n', 1)).toEqual({ ok: true });
    state.down = true;
    expect(await durable('b 2\n', 1)).toMatchObject({ ok: false, spooled: true });
    expect(await durable('c 3\n', 1)).toMatchObject({ ok: false, spooled: true });
    state.down = false;
    expect(await durable('d 4\n', 1)).toEqual({ ok: true });
    expect(state.received).toEqual(['a 1\n', 'b 2\n', 'c 3\n', 'd 4\n']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('delivers each batch exactly once, in call order, when targets write at the same time after an outage', async () => {
    const { state, write } = server();
    let inFlight = 0;
    let maxInFlight = 0;
    const slowWrite = async (body: string): Promise<WriteOutcome> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return write(body);
    };
    const durable = durableWriter(slowWrite, new Spool(freshDir(), 1 << 20, () => undefined));
    state.down = true;
    await Promise.all(['a', 'b', 'c'].map((x) => durable(`${x} 1\n`, 1)));
    state.down = false;
    await Promise.all(['d', 'e', 'f'].map((x) => durable(`${x} 1\n`, 1)));
    expect(state.received).toEqual(['a 1\n', 'b 1\n', 'c 1\n', 'd 1\n', 'e 1\n', 'f 1\n']);
    expect(maxInFlight).toBe(1);
  });

  it('survives a restart: a new Spool on the same directory replays what the old one kept', async () => {
    const dir = freshDir();
    const first = new Spool(dir, 1 << 20, () => undefined);
    first.append('x 1\n', 1);
    first.append('y 2\n', 1);
    const { state, write } = server();
    const second = new Spool(dir, 1 << 20, () => undefined);
    expect(second.state()).toEqual({ batches: 2, points: 2, bytes: 8 });
    expect(await second.replay(write)).toEqual({ written: 2, drained: true });
    expect(state.received).toEqual(['x 1\n', 'y 2\n']);
  });

  it('drops the oldest batches at its bound and says exactly what it dropped', () => {
    const reports: string[] = [];
    const spool = new Spool(freshDir(), 30, (m) => reports.push(m));
    spool.append('0123456789\n', 3); // 11 bytes
    spool.append('0123456789\n', 4);
    spool.append('0123456789\n', 5); // 33 > 30: the first goes
    expect(spool.state()).toEqual({ batches: 2, points: 9, bytes: 22 });
    expect(reports).toEqual(['spool full (30 bytes): dropped batch #1, 3 points, 11 bytes (the oldest)']);
  });

  it('drops a batch the server rejects for good, reports it, and goes on', async () => {
    const reports: string[] = [];
    const spool = new Spool(freshDir(), 1 << 20, (m) => reports.push(m));
    spool.append('bad\n', 1);
    spool.append('good 1\n', 1);
    const received: string[] = [];
    const result = await spool.replay((body) =>
      Promise.resolve(
        body === 'bad\n'
          ? { ok: false, retriable: false, reason: 'HTTP 400: unable to parse' }
          : (received.push(body), { ok: true }),
      ),
    );
    expect(result).toEqual({ written: 1, drained: true });
    expect(received).toEqual(['good 1\n']);
    expect(reports[0]).toContain('batch #1 (1 points) rejected by the server, dropped: HTTP 400');
  });
});
