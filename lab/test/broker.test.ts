import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerCommand, brokerSettings, writeNodeProperties } from '../src/broker.ts';

describe('broker configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-broker-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ports = { id: 2, port: 9101, controllerPort: 9102, jmxPort: 9103, jolokiaPort: 9104 };

  it('caps replication at the cluster size', () => {
    expect(brokerSettings(3)['default.replication.factor']).toBe('3');
    expect(brokerSettings(3)['min.insync.replicas']).toBe('2');
    expect(brokerSettings(1)['offsets.topic.replication.factor']).toBe('1');
    expect(brokerSettings(1)['min.insync.replicas']).toBe('1');
  });

  it('writes a combined KRaft node bound to loopback with static voters', () => {
    const path = writeNodeProperties(join(dir, 'node-2'), ports, '1@127.0.0.1:1,2@127.0.0.1:9102', 3);
    const props = Object.fromEntries(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe('2');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:1,2@127.0.0.1:9102');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:9101,CONTROLLER://127.0.0.1:9102');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9101');
  });

  it('binds both agents to loopback on their own ports', () => {
    const jars = { dir, classpath: 'libs/*', jmxAgent: '/j/jmx.jar', jolokiaAgent: '/j/jolokia.jar' };
    const { args } = brokerCommand(jars, dir, ports, 'server.properties');
    expect(args.find((a) => a.startsWith('-javaagent:/j/jmx.jar'))).toMatch(/=127\.0\.0\.1:9103:/);
    expect(args.find((a) => a.startsWith('-javaagent:/j/jolokia.jar'))).toContain('host=127.0.0.1,port=9104');
    expect(args.at(-1)).toBe('server.properties');
  });
});
