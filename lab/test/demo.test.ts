import { describe, expect, it } from 'vitest';
import { parseTenants, tenantResolver } from '../../model/src/tenants.ts';
import { demoTenants, demoTenantsYaml } from '../src/demo.ts';

describe('demoTenantsYaml', () => {
  it('is a valid tenants catalog in which each demo tenant owns its topics and groups', () => {
    const parsed = parseTenants(demoTenantsYaml(demoTenants), 'tenants.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const topics = tenantResolver(parsed.value, 'topics');
    const groups = tenantResolver(parsed.value, 'groups');
    for (const t of demoTenants) {
      for (const topic of t.topics) expect(topics(topic.name)).toBe(t.tenant);
      for (const g of t.groups) expect(groups(g.id)).toBe(t.tenant);
    }
    expect(groups('someone-else')).toBe('');
  });
});
