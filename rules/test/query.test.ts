import { describe, expect, it } from 'vitest';
import { influxql, queryOf } from '../src/query.ts';
import { conditionSchema } from '../src/schema.ts';

const condition = (c: Record<string, unknown>) => conditionSchema.parse({ op: '>', threshold: 0, ...c });

describe('influxql', () => {
  it('bounds a direct reduction by a closed time range and groups by the series tags but source', () => {
    const q = queryOf(condition({ metric: 'broker.leader_count', window: '5m', reduce: 'avg' }), 600_000);
    expect(influxql(q)).toBe(
      'SELECT mean("leader_count") AS "leader_count" FROM "broker" WHERE time > 300000000000 AND time <= 600000000000 GROUP BY "cluster", "broker"',
    );
  });

  it('reads a stepped reduction as one last() per bucket, at most 1,000 buckets, quoting filters', () => {
    const q = queryOf(
      condition({
        metric: 'consumer_group.lag_messages_sum',
        window: '10m',
        reduce: 'delta',
        where: { group: "it's", tenant: { re: '^pay/' }, cluster: { not: 'x' } },
      }),
      600_000,
    );
    expect(influxql(q)).toBe(
      `SELECT last("lag_messages_sum") AS "lag_messages_sum" FROM "consumer_group" WHERE time > 0 AND time <= 600000000000 AND "group" = 'it\\'s' AND "tenant" =~ /^pay\\// AND "cluster" != 'x' GROUP BY time(60000ms), "cluster", "group", "tenant", "protocol" fill(none)`,
    );
  });
});
