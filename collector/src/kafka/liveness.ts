import type { BrokerAddress, DirectBroker } from './brokers.ts';
import { explainKafkaError, securityCause } from './errors.ts';
import { readBroker } from './metadata.ts';
import type { KafkaSession } from './session.ts';
import { flexibleRequest } from './wire.ts';

/** How one broker answered a liveness request. */
export type Answer = 'ok' | 'refused' | 'timeout';

/** How one broker answered, as asked: `denied` when it answered but refused us (authentication, TLS, an ACL). */
export type Asked = Answer | 'denied';

/** One broker's answer: whether it answered, and (if it did) the brokers its metadata lists as alive. */
export interface LivenessAnswer {
  broker: number;
  answer: Asked;
  /** Alive (registered, unfenced) brokers in its metadata, with their addresses; empty unless `ok`. */
  alive: BrokerAddress[];
  /** What went wrong, when it did not answer, and the error itself. */
  error?: string;
  reason?: unknown;
}

/** Metadata v12 for no topics: the broker list only, the cheapest request every broker answers. */
function brokersOnly(broker: DirectBroker): Promise<BrokerAddress[]> {
  return broker.send(
    flexibleRequest(
      3,
      12,
      'Metadata',
      (e) =>
        e
          .writeUVarInt(1) // topics: an empty array (none), not null (all)
          .writeBoolean(false) // allow_auto_topic_creation
          .writeBoolean(false) // include_topic_authorized_operations
          .writeUVarIntBytes(),
      (d): BrokerAddress[] => {
        d.readInt32(); // throttle_time_ms
        return d.readUVarIntArray(readBroker) ?? [];
      },
    ),
  ) as Promise<BrokerAddress[]>;
}

/**
 * A refused or closed connection means nothing listens (the process is gone); a request or connection that
 * times out means something holds the socket but does not answer (a frozen process, or a host that is
 * unreachable).
 */
export function answerOf(error: unknown): Answer {
  const message = error instanceof Error ? error.message : String(error);
  return /timed? ?out|timeout/i.test(message) ? 'timeout' : 'refused';
}

/**
 * Asks each of `brokers` at once for its broker list, each within `timeoutMs` whatever the client's own
 * timeouts: a hung broker costs its own deadline only.
 */
export async function askBrokers(
  session: KafkaSession,
  brokers: readonly BrokerAddress[],
  timeoutMs: number,
): Promise<LivenessAnswer[]> {
  return Promise.all(
    brokers.map(async (address): Promise<LivenessAnswer> => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<PromiseSettledResult<BrokerAddress[]>>((ok) => {
        timer = setTimeout(
          () => ok({ status: 'rejected', reason: new Error(`no answer within ${timeoutMs} ms (timeout)`) }),
          timeoutMs,
        );
      });
      const r = await Promise.race([session.onBroker(address, brokersOnly), deadline]);
      clearTimeout(timer);
      if (r.status === 'fulfilled') return { broker: address.nodeId, answer: 'ok', alive: r.value };
      const cause = securityCause(r.reason, session.endpoint);
      const error =
        cause === undefined
          ? explainKafkaError(r.reason, session.endpoint)
          : `broker ${address.host}:${address.port}: ${cause}`;
      const answer = cause !== undefined ? 'denied' : answerOf(r.reason);
      return { broker: address.nodeId, answer, alive: [], error, reason: r.reason };
    }),
  );
}
