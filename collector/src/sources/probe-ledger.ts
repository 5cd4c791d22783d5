/**
 * The synthetic probe's book-keeping, per broker: every record sent, acknowledged, failed and read back, and
 * what one collection window saw. Pure; time is passed in.
 */

/** What the probe saw for one broker since the previous drain. */
export interface ProbeWindow {
  sent: number;
  acked: number;
  produceErrors: number;
  /** acked / (acked + produceErrors): undefined when no produce completed in the window. */
  availability: number | undefined;
  received: number;
  /** Acknowledged but not read back within `lostAfterMs`. */
  lost: number;
  /** Read back more than once. */
  duplicated: number;
  /** Read back later than the SLA after it was sent (including records already counted lost or failed). */
  delayed: number;
  /** End-to-end (send → read back) latency percentiles of the records read back, ms. */
  latencyP50: number | undefined;
  latencyP99: number | undefined;
  /** Send → acknowledgement latency, 99th percentile, ms. */
  produceLatencyP99: number | undefined;
}

interface Pending {
  sentMs: number;
  acked: boolean;
}

/** What one window counts; zeroed at each drain. */
interface WindowCounts {
  sent: number;
  acked: number;
  produceErrors: number;
  received: number;
  lost: number;
  duplicated: number;
  delayed: number;
  latencies: number[];
  produceLatencies: number[];
}

const emptyWindow = (): WindowCounts => ({
  sent: 0,
  acked: 0,
  produceErrors: 0,
  received: 0,
  lost: 0,
  duplicated: 0,
  delayed: 0,
  latencies: [],
  produceLatencies: [],
});

interface BrokerBook extends WindowCounts {
  pending: Map<number, Pending>;
  /** Sequence numbers read back recently (bounded), to tell duplicates from late records. */
  seen: Set<number>;
}

/** Nearest-rank percentile of `values` (unsorted), undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const SEEN_LIMIT = 10_000;

export class ProbeLedger {
  private readonly books = new Map<number, BrokerBook>();

  constructor(
    private readonly slaMs: number,
    private readonly lostAfterMs: number,
  ) {}

  private book(broker: number): BrokerBook {
    let b = this.books.get(broker);
    if (b === undefined) {
      b = { pending: new Map(), seen: new Set(), ...emptyWindow() };
      this.books.set(broker, b);
    }
    return b;
  }

  /** A record `seq` for `broker` left at `atMs`. */
  sent(broker: number, seq: number, atMs: number): void {
    const b = this.book(broker);
    b.sent += 1;
    b.pending.set(seq, { sentMs: atMs, acked: false });
  }

  /** The broker acknowledged record `seq` at `atMs`. */
  acked(broker: number, seq: number, atMs: number): void {
    const b = this.book(broker);
    b.acked += 1;
    const p = b.pending.get(seq);
    if (p === undefined) return; // already read back
    p.acked = true;
    b.produceLatencies.push(atMs - p.sentMs);
  }

  /** Producing record `seq` failed (error, timeout, broker unknown): it counts against availability. */
  failed(broker: number, seq: number): void {
    const b = this.book(broker);
    b.produceErrors += 1;
    b.pending.delete(seq);
  }

  /** Record `seq` was refused for a reason not the broker's (an ACL): as if never sent. */
  withdrawn(broker: number, seq: number): void {
    const b = this.book(broker);
    if (b.pending.delete(seq)) b.sent -= 1;
  }

  /** Record `seq`, sent at `sentMs`, was read back at `atMs`. */
  received(broker: number, seq: number, sentMs: number, atMs: number): void {
    const b = this.book(broker);
    if (b.seen.has(seq)) {
      b.duplicated += 1;
      return;
    }
    b.seen.add(seq);
    if (b.seen.size > SEEN_LIMIT) b.seen.delete(b.seen.values().next().value as number);
    b.received += 1;
    const latency = atMs - sentMs;
    const wasPending = b.pending.delete(seq);
    if (wasPending) b.latencies.push(latency);
    if (!wasPending || latency > this.slaMs) b.delayed += 1;
  }

  /** The brokers the ledger has seen. */
  brokers(): number[] {
    return [...this.books.keys()].sort((a, b) => a - b);
  }

  /**
   * What each broker's probe saw since the previous drain; acknowledged records not read back within
   * `lostAfterMs` of `nowMs` are counted lost here.
   */
  drain(nowMs: number): Map<number, ProbeWindow> {
    const out = new Map<number, ProbeWindow>();
    for (const [broker, b] of this.books) {
      for (const [seq, p] of b.pending) {
        if (p.acked && nowMs - p.sentMs > this.lostAfterMs) {
          b.lost += 1;
          b.pending.delete(seq);
        }
      }
      const completed = b.acked + b.produceErrors;
      out.set(broker, {
        sent: b.sent,
        acked: b.acked,
        produceErrors: b.produceErrors,
        availability: completed === 0 ? undefined : b.acked / completed,
        received: b.received,
        lost: b.lost,
        duplicated: b.duplicated,
        delayed: b.delayed,
        latencyP50: percentile(b.latencies, 50),
        latencyP99: percentile(b.latencies, 99),
        produceLatencyP99: percentile(b.produceLatencies, 99),
      });
      Object.assign(b, emptyWindow());
    }
    return out;
  }
}
