import { describe, expect, it } from 'vitest';
import { currentLab } from '../lab/lab.ts';

// The two JMX paths the collector scrapes: the Prometheus JMX exporter agent and Jolokia's bulk read.
describe('JMX endpoints of every lab broker', () => {
  const lab = currentLab();

  it.each(lab.brokers.map((b) => [b.id, b.jmxPort] as const))(
    'broker %i: the JMX exporter serves under-replication, controller and bytes-in metrics',
    async (_id, port) => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^kafka_server_replicamanager_underreplicatedpartitions \d/m);
      expect(text).toMatch(/^kafka_controller_kafkacontroller_activecontrollercount \d/m);
      expect(text).toMatch(/^kafka_server_brokertopicmetrics_bytesinpersec_total \d/m);
    },
  );

  it('exactly one broker reports itself the active controller', async () => {
    const counts = await Promise.all(
      lab.brokers.map(async (b) => {
        const text = await (await fetch(`http://127.0.0.1:${b.jmxPort}/metrics`)).text();
        return Number(/^kafka_controller_kafkacontroller_activecontrollercount (\S+)/m.exec(text)?.[1]);
      }),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it.each(lab.brokers.map((b) => [b.id, b.jolokiaPort] as const))(
    'broker %i: Jolokia answers a bulk read, and one bad MBean fails only its own entry',
    async (_id, port) => {
      const res = await fetch(`http://127.0.0.1:${port}/jolokia/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { type: 'read', mbean: 'kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions' },
          { type: 'read', mbean: 'kafka.controller:type=KafkaController,name=ActiveControllerCount' },
          { type: 'read', mbean: 'kafka.server:type=NoSuchThing,name=Missing' },
        ]),
      });
      expect(res.status).toBe(200);
      const entries = (await res.json()) as { status: number; value?: { Value?: number } }[];
      expect(entries.map((e) => e.status)).toEqual([200, 200, 404]);
      expect(typeof entries[0]?.value?.Value).toBe('number');
    },
  );
});
