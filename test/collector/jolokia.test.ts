import { describe, expect, it } from 'vitest';
import { catalog } from '../../model/src/catalog.ts';
import { jmxMetrics } from '../../model/src/jmx.ts';
import type { JmxMetric } from '../../model/src/jmx.ts';
import { runSource } from '../../collector/src/source.ts';
import { jolokiaSource } from '../../collector/src/sources/jolokia.ts';
import { currentLab } from '../lab/lab.ts';

describe('Jolokia source against the lab brokers', () => {
  const targets = () =>
    currentLab().brokers.map((b) => ({
      cluster: 'lab',
      broker: String(b.id),
      url: `http://127.0.0.1:${b.jolokiaPort}/jolokia/`,
    }));

  it('reads every catalog broker field of every broker in one bulk request each', async () => {
    for (const target of targets()) {
      const samples = await runSource(jolokiaSource(target, jmxMetrics), Date.now(), 10_000, () =>
        Date.now(),
      );
      const broker = samples.find((s) => s.measurement === 'broker');
      expect(Object.keys(broker?.fields ?? {}).sort(), `broker ${target.broker}`).toEqual(
        Object.keys(catalog.broker.fields).sort(),
      );
      expect(broker?.tags).toEqual({ cluster: 'lab', broker: target.broker, source: 'jolokia' });
      const gc = samples.filter((s) => s.measurement === 'broker_gc');
      expect(gc.length).toBeGreaterThan(0);
      expect(gc.every((s) => typeof s.tags.gc === 'string' && s.tags.gc !== '')).toBe(true);
      const scrape = samples.find((s) => s.measurement === 'scrape');
      expect(scrape?.fields).toMatchObject({ up: 1, errors: 0, samples: jmxMetrics.length });
    }
  });

  it('keeps the rest when one entry names an MBean the broker does not have', async () => {
    const bogus: JmxMetric = {
      measurement: 'broker',
      field: 'leader_count',
      mbean: 'kafka.server:type=NoSuchBean,name=Missing',
      attribute: 'Value',
    };
    const [target] = targets();
    if (target === undefined) throw new Error('no broker');
    const samples = await runSource(jolokiaSource(target, [bogus, ...jmxMetrics]), Date.now(), 10_000, () =>
      Date.now(),
    );
    const scrape = samples.find((s) => s.measurement === 'scrape');
    expect(scrape?.fields.up).toBe(1);
    expect(scrape?.fields.errors).toBe(1);
    expect(String(scrape?.fields.error)).toContain('NoSuchBean');
    expect(Object.keys(samples.find((s) => s.measurement === 'broker')?.fields ?? {})).toHaveLength(
      Object.keys(catalog.broker.fields).length,
    );
  });
});
