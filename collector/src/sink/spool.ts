import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { WriteOutcome } from './influx.ts';

/** One spooled batch: file name `<seq>-<points>.lp`, content the line-protocol body as it would have been sent. */
interface Entry {
  file: string;
  seq: number;
  points: number;
  bytes: number;
}

/** What the spool holds. */
export interface SpoolState {
  batches: number;
  points: number;
  bytes: number;
}

const pattern = /^(\d{12})-(\d+)\.lp$/;

/**
 * An on-disk, bounded, ordered queue of line-protocol batches that could not be written. Appends are
 * atomic (temp file + rename), so a crash leaves whole batches only. When the bound is hit, the oldest
 * batches are dropped and `report` says exactly which (sequence, points, bytes).
 */
export class Spool {
  private entries: Entry[];
  private nextSeq: number;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly report: (message: string) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    this.entries = readdirSync(dir)
      .flatMap((file) => {
        const m = pattern.exec(file);
        return m?.[1] === undefined || m[2] === undefined
          ? []
          : [{ file, seq: Number(m[1]), points: Number(m[2]), bytes: statSync(join(dir, file)).size }];
      })
      .sort((a, b) => a.seq - b.seq);
    this.nextSeq = (this.entries.at(-1)?.seq ?? 0) + 1;
  }

  /** How much is waiting. */
  state(): SpoolState {
    return {
      batches: this.entries.length,
      points: this.entries.reduce((n, e) => n + e.points, 0),
      bytes: this.entries.reduce((n, e) => n + e.bytes, 0),
    };
  }

  /** Queues a batch behind the others, dropping the oldest if the bound requires it. */
  append(body: string, points: number): void {
    const bytes = Buffer.byteLength(body);
    if (bytes > this.maxBytes) {
      this.report(
        `spool: dropped a batch of ${points} points (${bytes} bytes): larger than the whole spool (${this.maxBytes} bytes)`,
      );
      return;
    }
    let total = this.state().bytes;
    while (total + bytes > this.maxBytes && this.entries.length > 0) {
      const oldest = this.entries.shift() as Entry;
      unlinkSync(join(this.dir, oldest.file));
      total -= oldest.bytes;
      this.report(
        `spool full (${this.maxBytes} bytes): dropped batch #${oldest.seq}, ${oldest.points} points, ${oldest.bytes} bytes (the oldest)`,
      );
    }
    const seq = this.nextSeq++;
    const file = `${String(seq).padStart(12, '0')}-${points}.lp`;
    writeFileSync(join(this.dir, `${file}.tmp`), body);
    renameSync(join(this.dir, `${file}.tmp`), join(this.dir, file));
    this.entries.push({ file, seq, points, bytes });
  }

  /**
   * Sends the spooled batches in order through `write`, removing each once written. Stops at the first
   * retriable failure (the server is still away); a batch the server rejects for good is dropped and reported.
   * Returns the points written.
   */
  async replay(
    write: (body: string) => Promise<WriteOutcome>,
  ): Promise<{ written: number; drained: boolean }> {
    let written = 0;
    while (this.entries.length > 0) {
      const entry = this.entries[0] as Entry;
      const outcome = await write(readFileSync(join(this.dir, entry.file), 'utf8'));
      if (!outcome.ok && outcome.retriable) return { written, drained: false };
      if (!outcome.ok) {
        this.report(
          `spool: batch #${entry.seq} (${entry.points} points) rejected by the server, dropped: ${outcome.reason}`,
        );
      } else written += entry.points;
      unlinkSync(join(this.dir, entry.file));
      this.entries.shift();
    }
    return { written, drained: true };
  }
}
