import type { TrackedAlert } from '../../../rules/src/alert.ts';
import { groupLabels } from './group.ts';
import type { Placement, ReceiverAddressing } from './group.ts';
import type { Matchable } from './matchers.ts';
import { routesFor } from './tree.ts';
import type { Route } from './tree.ts';

/**
 * The route stage: the groups an alert belongs to, one per matching route whose receiver is defined: the group
 * key and labels, and the owning tenant for tenant-addressed receivers (an unowned alert reaches none of those).
 */
export function placeAlert(
  tree: Route,
  receivers: ReadonlyMap<string, ReceiverAddressing>,
  a: TrackedAlert,
  m: Matchable,
): Placement[] {
  const out: Placement[] = [];
  for (const route of routesFor(tree, m)) {
    const addressing = receivers.get(route.receiver);
    if (addressing === undefined) continue;
    const tenant = addressing.perTenant ? m.labels.tenant : undefined;
    if (tenant === '') continue;
    const labels = groupLabels(route.group_by, a.labels);
    out.push({
      key: JSON.stringify([route.id, route.receiver, tenant ?? '', labels]),
      receiver: route.receiver,
      queue: tenant === undefined ? route.receiver : `${route.receiver}/${tenant}`,
      route,
      labels,
      ...(tenant === undefined ? {} : { tenant }),
    });
  }
  return out;
}
