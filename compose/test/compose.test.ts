import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { datasource } from '../../dashboards/src/influxql.ts';
import { demoTenants, demoTenantsYaml } from '../../lab/src/demo.ts';

// The compose deployment, validated without a Docker engine: what Debian's docker-compose says of the file,
// the Dockerfile's copied paths and entrypoint, and every mounted config through its `lookout … check-config`,
// as the containers see them (the image's files and the bind mounts, mirrored into a temporary root).
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const composeDir = join(root, 'compose');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}
const compose = parse(readFileSync(join(composeDir, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const envExample = Object.fromEntries(
  readFileSync(join(composeDir, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const lookoutServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
function dockerfile(s: Service): { op: string; args: string }[] {
  const file = resolve(composeDir, s.build?.context ?? '.', s.build?.dockerfile ?? 'Dockerfile');
  return readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.trim().split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** `node bin/lookout.mjs …` with the deployment's example secrets in the environment. */
const lookout = (...args: string[]) =>
  run(process.execPath, [join(root, 'bin', 'lookout.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, ...envExample },
  });

const mirror = mkdtempSync(join(tmpdir(), 'lookout-compose-'));
afterAll(() => rmSync(mirror, { recursive: true, force: true }));

/** Links `source` at `target` inside the mirrored container root. */
function place(target: string, source: string): void {
  const at = join(mirror, target);
  mkdirSync(dirname(at), { recursive: true });
  if (!existsSync(at)) symlinkSync(source, at);
}

/**
 * Places what the Dockerfile copies into the mirrored root (from the build context, at its WORKDIR); the
 * problems: copied paths missing from the context or excluded by .dockerignore.
 */
function mirrorImage(): { steps: { op: string; args: string }[]; problems: string[]; workdir: string } {
  const [, service] = lookoutServices[0] ?? [];
  const steps = dockerfile(service ?? {});
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const problems: string[] = [];
  let workdir = '/';
  for (const s of steps) {
    if (s.op === 'FROM') workdir = '/';
    if (s.op === 'WORKDIR') workdir = posix.resolve(workdir, s.args);
    if (s.op !== 'COPY' || s.args.startsWith('--from')) continue;
    const parts = s.args.split(/\s+/);
    const rawDest = parts.at(-1) ?? '.';
    const dest = posix.resolve(workdir, rawDest);
    const sources = parts.slice(0, -1);
    for (const src of sources) {
      if (!existsSync(join(root, src))) problems.push(`COPY ${src}: no such path in the build context`);
      else if (ignored.includes(src)) problems.push(`COPY ${src} is excluded by .dockerignore`);
      else place(sources.length > 1 || rawDest.endsWith('/') ? posix.join(dest, src) : dest, join(root, src));
    }
  }
  return { steps, problems, workdir };
}

/** Places the Lookout services' bind mounts into the mirrored root. */
function mirrorMounts(): void {
  for (const [, s] of lookoutServices)
    for (const v of s.volumes ?? []) {
      const [source = '', target = ''] = v.split(':');
      if (source.startsWith('.')) place(target, resolve(composeDir, source));
    }
}

let image: ReturnType<typeof mirrorImage>;
beforeAll(() => {
  image = mirrorImage();
  mirrorMounts();
});

describe('the compose deployment', () => {
  it("passes Debian's docker-compose: config -q", async () => {
    const args = ['--env-file', 'compose/.env.example', '-f', 'compose/docker-compose.yml', 'config', '-q'];
    const result = await run('docker-compose', args, { cwd: root }).catch(
      (err: NodeJS.ErrnoException & { stderr?: string }) => {
        if (err.code === 'ENOENT')
          throw new Error('docker-compose is missing: apt-get install docker-compose (.ci/run does)');
        throw new Error(`docker-compose config -q failed: ${err.stderr ?? err.message}`);
      },
    );
    expect(result.stderr).toBe('');
  });

  it('builds one image whose copied paths exist, runs as a non-root user, and whose entrypoint is the lookout CLI', () => {
    expect(lookoutServices.map(([name]) => name).sort()).toEqual([
      'alerter',
      'collector',
      'receiver',
      'traffic',
    ]);
    const { steps, problems, workdir } = image;
    expect(steps.filter((s) => s.op === 'FROM').length).toBeGreaterThanOrEqual(2); // multi-stage
    expect(problems).toEqual([]);
    const last = steps.slice(steps.findLastIndex((s) => s.op === 'FROM'));
    const user = last.find((s) => s.op === 'USER')?.args;
    expect(user, 'the final stage names a USER').toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const entrypoint = JSON.parse(last.find((s) => s.op === 'ENTRYPOINT')?.args ?? '[]') as string[];
    expect(entrypoint).toEqual(['node', 'bin/lookout.mjs']);
    expect(
      existsSync(join(mirror, workdir, 'bin', 'lookout.mjs')),
      'the entrypoint script is in the image',
    ).toBe(true);
  });

  it("each Lookout service's command is a real command of the CLI, with options it has", async () => {
    for (const [name, s] of lookoutServices) {
      const [command = '', ...args] = s.command ?? [];
      const help = await lookout(command, '--help').catch((err: Error) => {
        throw new Error(`${name}: lookout ${command} is not a command: ${err.message}`);
      });
      for (const option of args.filter((a) => a.startsWith('--')))
        expect(help.stdout, `${name}: ${option}`).toContain(option);
    }
  });

  it('every mounted Lookout config passes its check-config, as the container sees it', async () => {
    const checked: string[] = [];
    for (const [name, s] of lookoutServices) {
      const [command = '', ...args] = s.command ?? [];
      const i = args.indexOf('--config');
      if (i < 0) continue;
      const file = join(mirror, args[i + 1] ?? '');
      const { stdout } = await lookout(command, 'check-config', file).catch(
        (err: Error & { stderr?: string }) => {
          throw new Error(`${name}: lookout ${command} check-config failed: ${err.stderr ?? err.message}`);
        },
      );
      expect(stdout).toContain('valid');
      checked.push(name);
    }
    expect(checked.sort()).toEqual(['alerter', 'collector']);
    const tenants = await lookout('tenants', 'check', join(mirror, 'app', 'config', 'tenants.yaml'));
    expect(tenants.stdout).toContain('valid');
  });

  it('the demo traffic and the mounted tenants catalog name the same topics and groups', () => {
    const mounted = readFileSync(join(composeDir, 'config', 'tenants.yaml'), 'utf8');
    expect(parse(mounted)).toEqual(parse(demoTenantsYaml(demoTenants)));
  });

  it("Grafana's provisioning: the dashboards' datasource, and a provider at the mounted dashboards/out", () => {
    const grafana = compose.services.grafana;
    const ds = parse(
      readFileSync(join(composeDir, 'grafana/provisioning/datasources/lookout.yaml'), 'utf8'),
    ) as {
      datasources: {
        uid: string;
        type: string;
        isDefault: boolean;
        url: string;
        jsonData: { dbName: string };
        secureJsonData: { password: string };
      }[];
    };
    const [influx] = ds.datasources;
    // The dashboards read through their datasource variable: file provisioning asks nothing, so Grafana takes
    // its default datasource of the variable's type, this one.
    expect(datasource.uid).toBe('${datasource}');
    expect(influx?.type).toBe(datasource.type);
    expect(influx?.isDefault).toBe(true);
    expect(ds.datasources.filter((d) => d.type === datasource.type)).toHaveLength(1);
    const collector = parse(readFileSync(join(composeDir, 'config', 'collector.yaml'), 'utf8')) as {
      influx: { url: string; database: string };
    };
    expect(influx?.url).toBe(collector.influx.url);
    expect(influx?.jsonData.dbName).toBe(collector.influx.database);
    // The password comes from Grafana's environment, which compose fills from .env.
    const secret = /^\$([A-Z_]+)$/.exec(influx?.secureJsonData.password ?? '')?.[1] ?? '';
    expect(Object.keys(grafana?.environment ?? {})).toContain(secret);

    const provider = parse(
      readFileSync(join(composeDir, 'grafana/provisioning/dashboards/lookout.yaml'), 'utf8'),
    ) as {
      providers: { options: { path: string } }[];
    };
    const mounts = (grafana?.volumes ?? []).map((v) => v.split(':'));
    const out = mounts.find(
      ([source]) => source !== undefined && resolve(composeDir, source) === join(root, 'dashboards', 'out'),
    );
    expect(out?.[1]).toBe(provider.providers[0]?.options.path);
    expect(
      mounts.some(
        ([source, target]) => source === './grafana/provisioning' && target === '/etc/grafana/provisioning',
      ),
    ).toBe(true);
  });

  it('brokers run the JMX exporter agent with the mounted config on the port the collector scrapes', () => {
    const collector = parse(readFileSync(join(composeDir, 'config', 'collector.yaml'), 'utf8')) as {
      clusters: { jmx: { port: number }; brokers: { host: string }[] }[];
    };
    const [cluster] = collector.clusters;
    for (const b of cluster?.brokers ?? []) {
      const broker = compose.services[b.host];
      expect(broker?.image, b.host).toMatch(/^apache\/kafka:/);
      const agent = /-javaagent:(\S+)=(\d+):(\S+)/.exec(String(broker?.environment?.KAFKA_OPTS ?? ''));
      expect(agent, `${b.host} KAFKA_OPTS`).not.toBeNull();
      expect(Number(agent?.[2])).toBe(cluster?.jmx.port);
      const mounts = (broker?.volumes ?? []).map((v) => v.split(':'));
      const config = mounts.find(([, target]) => target === agent?.[3]);
      expect(
        config?.[0] !== undefined && existsSync(resolve(composeDir, config[0])),
        `${b.host}: exporter config mounted`,
      ).toBe(true);
      expect(mounts.some(([, target]) => target !== undefined && agent?.[1]?.startsWith(`${target}/`))).toBe(
        true,
      );
    }
  });

  it('keeps secrets out of files and images: every secret comes from the environment, required', () => {
    const secrets = Object.entries(envExample).filter(([k]) => /PASSWORD|TOKEN/.test(k));
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const files = [
      'docker-compose.yml',
      'Dockerfile',
      'config/collector.yaml',
      'config/alerter.yaml',
      'grafana/provisioning/datasources/lookout.yaml',
    ];
    for (const f of files) {
      const text = readFileSync(join(composeDir, f), 'utf8');
      for (const [key, value] of secrets) expect(text, `${f} holds the value of ${key}`).not.toContain(value);
    }
    const raw = readFileSync(join(composeDir, 'docker-compose.yml'), 'utf8');
    for (const [key] of secrets) expect(raw, `${key} is required, not defaulted`).toContain(`\${${key}:?`);
    for (const name of ['influxdb-data', 'grafana-data', 'alerter-state'])
      expect(Object.keys(compose.volumes)).toContain(name);
    for (const [name, s] of Object.entries(compose.services))
      if (name !== 'jmx-agent' && name !== 'traffic')
        expect(s.healthcheck?.test, `${name} has a health check`).toBeDefined();
  });
});
