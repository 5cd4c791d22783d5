import { tenantResolver } from '../../../model/src/tenants.ts';
import type { Tenant, TenantsCatalog } from '../../../model/src/tenants.ts';
import type { Labels } from '../../../model/src/labels.ts';
import type { EvidenceRow } from '../../../rules/src/evaluate.ts';

/** Who owns what, from the tenants catalog in force (hot-reloaded catalogs make a new one). */
export class Ownership {
  private readonly groups: (name: string) => string;
  private readonly topics: (name: string) => string;
  private readonly byName: Map<string, Tenant>;

  /** `built`: the resolvers, when the caller made them already (a reload makes them one per task). */
  constructor(
    catalog: TenantsCatalog,
    built?: { groups: (name: string) => string; topics: (name: string) => string },
  ) {
    this.groups = built?.groups ?? tenantResolver(catalog, 'groups');
    this.topics = built?.topics ?? tenantResolver(catalog, 'topics');
    this.byName = new Map(catalog.tenants.map((t) => [t.name, t]));
  }

  /** The owner of a consumer group or a topic ('' when none). */
  ownerOf(kind: 'group' | 'topic', name: string): string {
    return kind === 'group' ? this.groups(name) : this.topics(name);
  }

  /**
   * The tenant an alert belongs to, from the catalog in force: its group's owner, else its topic's, else the
   * `tenant` label the collector wrote if that tenant still exists; '' when none.
   */
  ownerOfLabels(labels: Labels): string {
    const group = labels.group === undefined ? '' : this.groups(labels.group);
    if (group !== '') return group;
    const topic = labels.topic === undefined ? '' : this.topics(labels.topic);
    if (topic !== '') return topic;
    const label = labels.tenant ?? '';
    return this.byName.has(label) ? label : '';
  }

  /**
   * An alert as its tenant may see it: evidence rows of other tenants' topics removed, and the description
   * (which may name them) dropped when there were any.
   */
  forTenant<T extends { affected?: EvidenceRow[]; annotations: Record<string, string> }>(
    alert: T,
    tenant: string,
  ): T {
    const rows = alert.affected;
    if (rows === undefined) return alert;
    const own = rows.filter((r) => r.labels.topic === undefined || this.topics(r.labels.topic) === tenant);
    if (own.length === rows.length) return alert;
    const annotations = { ...alert.annotations };
    delete annotations.description;
    return { ...alert, affected: own, annotations };
  }

  tenant(name: string): Tenant | undefined {
    return this.byName.get(name);
  }

  tenants(): Tenant[] {
    return [...this.byName.values()];
  }
}
