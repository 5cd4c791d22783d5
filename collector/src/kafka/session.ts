import type { Admin } from './client.ts';
import { createKafka } from './client.ts';
import type { BrokerAddress, DirectBroker, DirectPool } from './brokers.ts';
import { directPool } from './brokers.ts';
import type { KafkaEndpoint } from './client.ts';

/**
 * The collector's long-lived connections to one cluster: one admin client and one direct connection per
 * broker, shared by every source of the cluster and kept across cycles. A connection that fails is dropped
 * and made again on next use, so a dead broker costs its own requests only.
 */
export class KafkaSession {
  private admin: Promise<Admin> | undefined;
  private readonly pool: DirectPool;
  /** The bootstrap broker that answered last: asked first next time. */
  private preferred = 0;

  constructor(readonly endpoint: KafkaEndpoint) {
    this.pool = directPool(endpoint);
  }

  /** Runs `use` with the connected admin client; on failure the client is replaced before the next use. */
  async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const pending = (this.admin ??= this.connectAdmin());
    try {
      return await use(await pending);
    } catch (error) {
      if (this.admin === pending) {
        this.admin = undefined;
        void pending.then((a) => a.disconnect()).catch(() => undefined);
      }
      throw error;
    }
  }

  /**
   * Runs `use` on each of `brokers` at once over its kept connection. One broker's failure does not affect
   * the others: results come back settled, in the order given.
   */
  eachBroker<T>(
    brokers: readonly BrokerAddress[],
    use: (broker: DirectBroker) => Promise<T>,
  ): Promise<PromiseSettledResult<T>[]> {
    return Promise.all(brokers.map((b) => this.onBroker(b, use)));
  }

  /** Runs `use` on one broker's kept connection, settled. */
  async onBroker<T>(
    address: BrokerAddress,
    use: (broker: DirectBroker) => Promise<T>,
  ): Promise<PromiseSettledResult<T>> {
    try {
      return { status: 'fulfilled', value: await this.pool.use(address, use) };
    } catch (reason) {
      return { status: 'rejected', reason };
    }
  }

  /**
   * Runs `use` on one bootstrap broker: the one that answered last, and if it has not answered within
   * `hedgeMs`, the next one as well (and so on); the first answer wins. A hung bootstrap broker costs a
   * second, not the request's whole timeout.
   */
  async onAnyBroker<T>(use: (broker: DirectBroker) => Promise<T>, hedgeMs = 1_000): Promise<T> {
    const listed = this.endpoint.brokers;
    if (listed.length === 0) throw new Error('no bootstrap broker answered: none listed');
    const order = listed.map((_, i) => listed[(this.preferred + i) % listed.length] as string);
    return new Promise<T>((resolve, reject) => {
      let failed = 0;
      let done = false;
      let last: unknown;
      const causes: { broker: string; error: unknown }[] = [];
      const timers: NodeJS.Timeout[] = [];
      let next = 0;
      const launch = (): void => {
        const hostPort = order[next];
        next += 1;
        if (done || hostPort === undefined) return;
        const at = hostPort.lastIndexOf(':');
        const address = { nodeId: -1, host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
        timers.push(setTimeout(launch, hedgeMs));
        void this.onBroker(address, use).then((r) => {
          if (done) return;
          if (r.status === 'fulfilled') {
            done = true;
            timers.forEach(clearTimeout);
            this.preferred = listed.indexOf(hostPort);
            resolve(r.value);
            return;
          }
          last = r.reason;
          causes.push({ broker: hostPort, error: r.reason });
          failed += 1;
          if (failed === order.length) {
            done = true;
            timers.forEach(clearTimeout);
            const error = new Error(
              `no bootstrap broker answered: ${(last as Error | undefined)?.message ?? ''}`,
            );
            // Each broker's own error, for `explainKafkaError`.
            reject(Object.assign(error, { causes }));
          } else launch(); // a refusal moves on at once
        });
      };
      launch();
    });
  }

  /** Disconnects everything; the session can be used again afterwards (it reconnects). */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await Promise.allSettled([admin?.then((a) => a.disconnect()), this.pool.close()]);
  }

  private async connectAdmin(): Promise<Admin> {
    const admin = createKafka(this.endpoint).admin();
    await admin.connect();
    return admin;
  }
}
