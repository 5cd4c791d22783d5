import type { Sample } from '../../../model/src/sample.ts';
import { LivenessTracker } from '../broker-liveness.ts';
import type { BrokerObservation, BrokerStatus, LivenessRules } from '../broker-liveness.ts';
import type { BrokerAddress } from '../kafka/brokers.ts';
import { askBrokers } from '../kafka/liveness.ts';
import type { LivenessAnswer } from '../kafka/liveness.ts';
import type { KafkaSession } from '../kafka/session.ts';
import type { Source } from '../source.ts';

/** One `broker_status` sample per broker. Pure, with time passed in. */
export function brokerStatusSamples(
  cluster: string,
  statuses: readonly BrokerStatus[],
  timeMs: number,
): Sample[] {
  return statuses.map((s) => ({
    measurement: 'broker_status',
    tags: { cluster, broker: String(s.broker) },
    fields: {
      answering: s.answering ? 1 : 0,
      registered: s.registered ? 1 : 0,
      state: s.state,
      crashed: s.state === 'crashed' ? 1 : 0,
      hung: s.state === 'hung' ? 1 : 0,
      restarting: s.state === 'restarting' ? 1 : 0,
      restart_overdue: s.state === 'restart_overdue' ? 1 : 0,
      down_seconds: s.downSeconds,
      attention: s.state !== 'up' || s.changed ? 1 : 0,
    },
    timeMs,
  }));
}

/**
 * Whether most of the brokers that answered (other than `id` itself, when others did) list `id` as alive;
 * undefined when none answered. A majority, because each answer is one broker's cache, a few ms behind or
 * ahead of the others.
 */
export function registeredBy(id: number, answers: readonly LivenessAnswer[]): boolean | undefined {
  const ok = answers.filter((a) => a.answer === 'ok');
  const others = ok.filter((a) => a.broker !== id);
  const judges = others.length > 0 ? others : ok;
  if (judges.length === 0) return undefined;
  const listing = judges.filter((a) => a.alive.some((b) => b.nodeId === id)).length;
  return listing * 2 > judges.length;
}

/**
 * Each broker's liveness on its own short interval: every known broker asked at once for its broker list, and
 * the tracker's verdict (crashed, hung, restarting …) written as `broker_status`. Brokers' addresses are learnt
 * from the answers (the bootstrap list first), so a broker that left the metadata is still asked.
 */
export function livenessSource(
  cluster: string,
  session: KafkaSession,
  expected: readonly number[],
  options: { intervalMs: number; timeoutMs: number; rules: LivenessRules },
): Source {
  const tracker = new LivenessTracker(options.rules);
  const known = new Map<number, BrokerAddress>();
  const bootstrap = session.endpoint.brokers.map((hostPort): BrokerAddress => {
    const at = hostPort.lastIndexOf(':');
    return { nodeId: -1, host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
  });
  const learn = (answers: readonly LivenessAnswer[]): void => {
    for (const a of answers) for (const b of a.alive) known.set(b.nodeId, b);
  };
  return {
    cluster,
    target: `liveness ${session.endpoint.brokers.join(',')}`,
    kind: 'liveness',
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs + 1_000,
    close: () => session.close(),
    async collect(nowMs) {
      let answers = await askBrokers(session, [...known.values()], options.timeoutMs);
      let fromBootstrap: LivenessAnswer[] = [];
      if (!answers.some((a) => a.answer === 'ok')) {
        // Nobody known answered (the first poll, or every known broker gone): learn the cluster from the
        // bootstrap list, then ask the brokers it names.
        fromBootstrap = await askBrokers(session, bootstrap, options.timeoutMs);
        learn(fromBootstrap);
        const fresh = [...known.values()].filter((b) => !answers.some((a) => a.broker === b.nodeId));
        answers = [...answers, ...(await askBrokers(session, fresh, options.timeoutMs))];
      }
      learn(answers);
      // Refused by security on every broker (a wrong password, a certificate, an ACL): the brokers are there but
      // cannot be seen; the scrape fails with why, and no broker is called down.
      const denied = [...answers, ...fromBootstrap].find((a) => a.answer === 'denied');
      if (denied !== undefined && !answers.some((a) => a.answer === 'ok'))
        throw new Error(denied.error ?? 'refused by the cluster', { cause: denied.reason });
      const ids = [...new Set([...expected, ...known.keys(), ...answers.map((a) => a.broker)])]
        .filter((id) => id >= 0)
        .sort((a, b) => a - b);
      const observations = ids.map((id): BrokerObservation => {
        const a = answers.find((x) => x.broker === id);
        // An expected broker whose address was never learnt is not listening anywhere Lookout knows of.
        // A broker that refused us answered: its process is up, whatever else is wrong.
        const answer = a?.answer === 'denied' ? 'ok' : (a?.answer ?? 'refused');
        return { broker: id, answer, registered: registeredBy(id, answers) };
      });
      const statuses = tracker.observe(nowMs, observations);
      const failed = answers.filter((a) => a.answer !== 'ok');
      const first = failed[0];
      return {
        samples: brokerStatusSamples(cluster, statuses, nowMs),
        exposed: answers.length,
        errorCount: failed.length,
        ...(first === undefined
          ? {}
          : { firstError: `broker ${first.broker}: ${first.error ?? first.answer}` }),
      };
    },
  };
}
