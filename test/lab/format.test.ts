import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatNode, writeNodeProperties } from '../../lab/src/broker.ts';
import { ensureKafkaJars } from '../../lab/src/jars.ts';

describe('formatNode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-format-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("formats with a cluster id that starts with '-' (a base64url id can)", async () => {
    const jars = await ensureKafkaJars(() => undefined);
    const ports = { id: 1, port: 1, controllerPort: 2, jmxPort: 3, jolokiaPort: 4 };
    const properties = writeNodeProperties(join(dir, 'node-1'), ports, '1@127.0.0.1:2', 1);
    await formatNode(jars, properties, '-Ab3dE5fG7hI9jK1lM3nOw');
    expect(readFileSync(join(dir, 'node-1', 'data', 'meta.properties'), 'utf8')).toContain(
      'cluster.id=-Ab3dE5fG7hI9jK1lM3nOw',
    );
  });
});
