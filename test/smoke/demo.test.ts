import { afterAll, describe, expect, it } from 'vitest';
import { createDemoTopics, demoTenants, startDemoTraffic } from '../../lab/src/demo.ts';
import type { DemoTraffic } from '../../lab/src/demo.ts';
import { labKafka } from '../lab/lab.ts';

/** Sum over partitions of (log-end offset − committed offset) for `group` on `topic`. */
async function lagOf(kafka: ReturnType<typeof labKafka>, group: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const at = new Map(committed[0]?.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return ends.reduce((sum, p) => sum + Number(p.high) - (at.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('demo traffic', () => {
  const kafka = labKafka('smoke-demo');
  let traffic: DemoTraffic | undefined;
  afterAll(async () => traffic?.stop());

  it('keeps the fast groups caught up while the slow group falls further behind', async () => {
    await createDemoTopics(kafka, demoTenants, 3);
    traffic = await startDemoTraffic(kafka, demoTenants);
    await new Promise((r) => setTimeout(r, 8_000));
    const slowEarly = await lagOf(kafka, 'search-indexer', 'search.clicks');
    await new Promise((r) => setTimeout(r, 6_000));
    const slowLate = await lagOf(kafka, 'search-indexer', 'search.clicks');
    const fast = await lagOf(kafka, 'payments-ledger', 'payments.orders');
    expect(traffic.produced.get('search.clicks')).toBeGreaterThan(200);
    expect(slowLate).toBeGreaterThan(slowEarly);
    expect(fast).toBeLessThan(slowLate);
  }, 60_000);
});
