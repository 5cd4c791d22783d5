import type { Sample } from '../../../model/src/sample.ts';
import { ensureProbeTopic, runProbe } from '../kafka/probe.ts';
import type { ProbeAssignment, ProbeEvents } from '../kafka/probe.ts';
import { explainKafkaError } from '../kafka/errors.ts';
import type { KafkaSession } from '../kafka/session.ts';
import { ProbeLedger } from './probe-ledger.ts';
import type { ProbeWindow } from './probe-ledger.ts';
import type { Source } from '../source.ts';

/** The probe's settings (durations in ms). */
export interface ProbeSettings {
  topic: string;
  interval: number;
  sla: number;
  lost_after: number;
}

/** One `probe` sample per broker from one window. Pure, time passed in. */
export function probeSamples(
  cluster: string,
  windows: ReadonlyMap<number, ProbeWindow>,
  timeMs: number,
): Sample[] {
  return [...windows].map(([broker, w]) => {
    const optional = {
      availability: w.availability,
      latency_p50_ms: w.latencyP50,
      latency_p99_ms: w.latencyP99,
      produce_latency_p99_ms: w.produceLatencyP99,
    };
    return {
      measurement: 'probe',
      tags: { cluster, broker: String(broker) },
      fields: {
        sent: w.sent,
        acked: w.acked,
        produce_errors: w.produceErrors,
        received: w.received,
        lost: w.lost,
        duplicated: w.duplicated,
        delayed: w.delayed,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      },
      timeMs,
    };
  });
}

/**
 * The synthetic probe of one cluster as a source: its first collection makes the probe topic and starts the
 * loops (over `session`, the probe's own connections); each collection follows brokers that came or went
 * and reports what each broker's probe saw since the previous one.
 */
export function probeSource(
  cluster: string,
  session: KafkaSession,
  settings: ProbeSettings,
  clock: () => number,
): Source & { close(): Promise<void> } {
  const ledger = new ProbeLedger(settings.sla, settings.lost_after);
  let assignment: ProbeAssignment = new Map();
  let loop: { stop(): Promise<void> } | undefined;
  let reconciling: Promise<void> | undefined;
  let reconcileError: string | undefined;
  let reconcileCause: unknown;
  let denied: unknown;
  const events: ProbeEvents = {
    sent: (broker, seq, atMs) => ledger.sent(broker, seq, atMs),
    acked: (broker, seq, atMs) => ledger.acked(broker, seq, atMs),
    failed: (broker, seq) => ledger.failed(broker, seq),
    received: (broker, seq, sentMs, atMs) => ledger.received(broker, seq, sentMs, atMs),
    denied: (broker, seq, error) => {
      ledger.withdrawn(broker, seq);
      denied = error;
    },
  };
  // Following brokers that come and go runs beside the probe: a slow admin request never holds a report back.
  const reconcile = (): Promise<void> =>
    (reconciling ??= ensureProbeTopic(session, settings.topic)
      .then((found) => {
        assignment = found;
        reconcileError = undefined;
      })
      .catch((error: unknown) => {
        reconcileError = `probe topic ${settings.topic}: ${explainKafkaError(error, session.endpoint)}`;
        reconcileCause = error;
      })
      .finally(() => {
        reconciling = undefined;
      }));
  return {
    cluster,
    target: `probe ${settings.topic}`,
    kind: 'probe',
    async collect(nowMs) {
      if (loop === undefined) {
        await reconcile();
        if (assignment.size === 0)
          throw new Error(reconcileError ?? 'no broker to probe', { cause: reconcileCause });
        loop = runProbe(session, settings.topic, () => assignment, events, clock, settings.interval);
      } else {
        void reconcile();
      }
      const windows = ledger.drain(nowMs);
      if (denied !== undefined) {
        // Refused for security: the brokers are not at fault, so nothing of this window counts against them.
        const error = denied;
        denied = undefined;
        throw new Error(`probe topic ${settings.topic}: ${explainKafkaError(error, session.endpoint)}`, {
          cause: error,
        });
      }
      return {
        samples: probeSamples(cluster, windows, nowMs),
        exposed: assignment.size,
        errorCount: reconcileError === undefined ? 0 : 1,
        ...(reconcileError === undefined ? {} : { firstError: reconcileError }),
      };
    },
    async close() {
      await loop?.stop();
      loop = undefined;
      await reconciling;
      await session.close();
    },
  };
}
