import { join } from 'node:path';
import { Registry } from 'prom-client';
import { seededRandom } from '../../lab/src/random.ts';
import { parseTenants } from '../../model/src/tenants.ts';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { loadRules } from '../../rules/src/load.ts';
import { MemoryPort } from '../../rules/src/memory-port.ts';
import type { AlerterView } from '../src/api/alerter-view.ts';
import { callerOf } from '../src/api/auth.ts';
import { readGroupLag } from '../src/group-lag.ts';
import type { NewestRow } from '../src/query/influx.ts';
import { Ownership } from '../src/route/ownership.ts';
import { readTenantGroups } from '../src/tenant-groups.ts';
import { readLagHistory, readTopicRates } from '../src/tenant-history.ts';
import { tokenHash } from '../src/tenants-source.ts';

// A random platform behind the API, for property and fuzz tests: the API's view over the real readers (owners,
// alerts as a tenant sees them, the group, lag and rate readers), only the stores under them in memory.
export const operatorToken = 'operator-token-boundary';

export interface World {
  tenants: { name: string; token: string; topics: string[]; groups: string[] }[];
  view: AlerterView;
}

const pack = loadRules([join(import.meta.dirname, '..', '..', 'rules', 'kafka')]).rules;

/** One random platform: 2-5 tenants, their topics and groups, a topic and a group nobody owns, alerts, data. */
export function world(seed: number, nowMs: number): World {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  // Names no other name contains: a fixed-width serial after a per-kind prefix.
  let serial = 0;
  const name = (prefix: string): string => `${prefix}${String((serial += 1)).padStart(3, '0')}q${seed}`;
  const tenants = Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => ({
    name: name('tenant'),
    token: name('token'),
    topics: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => name('topic')),
    groups: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => name('group')),
  }));
  const yaml = `tenants:\n${tenants
    .map(
      (t) =>
        `  - name: ${t.name}\n    contacts: [${t.name}@example.com]\n    topics: [${t.topics.join(', ')}]\n    groups: [${t.groups.join(', ')}]\n    api_token_sha256: ${tokenHash(t.token)}\n`,
    )
    .join('')}`;
  const parsed = parseTenants(yaml, 'tenants.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  const ownership = new Ownership(parsed.value);
  const tokens = new Map(tenants.map((t) => [tokenHash(t.token), t.name]));
  const topics = [...tenants.flatMap((t) => t.topics), name('orphantopic')];
  const groups = [...tenants.flatMap((t) => t.groups), name('orphangroup')];

  const alerts: TrackedAlert[] = Array.from({ length: 5 + Math.floor(rnd() * 20) }, (_, i) => {
    const kind = pick(['group', 'topic', 'broker'] as const);
    const own: Record<string, string> =
      kind === 'group'
        ? { group: pick(groups) }
        : kind === 'topic'
          ? { topic: pick(topics) }
          : { broker: '1' };
    const rule =
      kind === 'group'
        ? 'ConsumerLagHigh'
        : kind === 'topic'
          ? 'UnderReplicatedPartitions'
          : 'KafkaBrokerDown';
    const affected = Array.from({ length: Math.floor(rnd() * 4) }, () => ({
      labels: { topic: pick(topics), partition: String(Math.floor(rnd() * 6)) },
      value: rnd() * 100,
    }));
    const labels: Record<string, string> = { alertname: rule, severity: 'ticket', cluster: 'lab', ...own };
    return {
      fingerprint: `fp${seed}x${i}`,
      rule,
      labels: { ...labels, ...(kind === 'broker' ? {} : { tenant: ownership.ownerOfLabels(labels) }) },
      severity: 'ticket',
      audience: kind === 'broker' ? ['operators'] : ['tenant'],
      annotations: {
        summary: `${rule} on ${Object.values(own).join(' ')}`,
        description: `behind on ${affected.map((r) => r.labels.topic).join(', ')}`,
      },
      value: rnd() * 1_000,
      threshold: 10,
      phase: pick(['pending', 'firing', 'resolved'] as const),
      activeSince: nowMs - 60_000,
      firedAt: nowMs - 30_000,
      ...(affected.length === 0 ? {} : { affected }),
    };
  });

  // The `tenant` tag the collector writes: the owner, but an unowned series tagged with some tenant (a collector
  // whose catalog is older): the alerter's own catalog must still keep it from that tenant.
  const collectorsTag = (owner: string): string => (owner === '' ? pick(tenants).name : owner);
  // The collector's stores: each group's newest reading and per-partition lag, its lag over time, topic rates.
  const rows: (NewestRow & { measurement: string })[] = [];
  const port = new MemoryPort();
  for (const g of groups) {
    const topic = pick(topics);
    rows.push({
      measurement: 'consumer_group',
      tags: { cluster: 'lab', group: g, protocol: 'classic' },
      timeMs: nowMs - 5_000,
      values: { state: 'Stable', members: 1, lag_messages_sum: 5, lag_seconds_max: 2 },
    });
    for (const partition of ['0', '1'])
      rows.push({
        measurement: 'consumer_lag',
        tags: { cluster: 'lab', group: g, topic: partition === '0' ? topic : pick(topics), partition },
        timeMs: nowMs - 5_000,
        values: { committed_offset: 1, log_end_offset: 5, lag_messages: 4, has_commit: 1 },
      });
    for (let t = nowMs - 600_000; t <= nowMs; t += 15_000)
      port.add({
        measurement: 'consumer_group',
        tags: { cluster: 'lab', group: g, tenant: collectorsTag(ownership.ownerOf('group', g)) },
        timeMs: t,
        fields: { lag_messages_sum: 5, lag_seconds_max: 2 },
      });
  }
  for (const topic of topics)
    port.add({
      measurement: 'partition_offsets',
      tags: {
        cluster: 'lab',
        topic,
        partition: '0',
        tenant: collectorsTag(ownership.ownerOf('topic', topic)),
      },
      timeMs: nowMs - 5_000,
      fields: { messages_per_s: 3 },
    });
  const reader = {
    newestRows: (
      measurement: string,
      eq: Readonly<Record<string, string>>,
      groupBy: readonly string[],
      fromMs: number,
    ): Promise<NewestRow[]> => {
      const newest = new Map<string, NewestRow>();
      for (const r of rows) {
        if (r.measurement !== measurement || r.timeMs <= fromMs) continue;
        if (Object.entries(eq).some(([k, v]) => r.tags[k] !== v)) continue;
        const key = groupBy.map((k) => r.tags[k] ?? '').join('\u0000');
        if ((newest.get(key)?.timeMs ?? -1) < r.timeMs) newest.set(key, r);
      }
      return Promise.resolve([...newest.values()]);
    },
  };
  const ownerOf = (labels: Record<string, string>): string => ownership.ownerOfLabels(labels);
  const view: AlerterView = {
    alerts: () => alerts,
    rules: () =>
      pack.map((r) => ({
        rule: r.alert,
        file: r.file,
        severity: r.severity,
        audience: r.audience,
        health: 'ok',
        pending: 0,
        firing: 0,
      })),
    definitions: () => pack,
    lastEvaluation: () => ({ atMs: nowMs, durationMs: 12 }),
    health: () => ({ healthy: true, lastEvaluationMs: nowMs }),
    registry: new Registry(),
    links: { alerter: 'http://lookout.example:9310' },
    caller: (header) => callerOf(header, operatorToken, tokens, tokenHash),
    ownerOf,
    forTenant: (alert, tenant) => ownership.forTenant(alert, tenant),
    placements: () => [],
    tenants: () => ownership.tenants(),
    groups: (tenant) => readTenantGroups(reader, nowMs, ownerOf, tenant),
    groupLag: (cluster, group) => readGroupLag(reader, cluster, group, nowMs),
    lagHistory: (tenant, hours) => readLagHistory(port, nowMs, hours, ownerOf, tenant),
    topicRates: (tenant) => readTopicRates(port, nowMs, ownerOf, tenant),
    muted: () => new Map(),
    silences: () => [],
    addSilence: () => {
      throw new Error('not in this test');
    },
    previewSilence: () => ({ matches: [] }),
    expireSilence: () => undefined,
    notifications: () => [],
    now: () => nowMs,
  };
  return { tenants, view };
}
