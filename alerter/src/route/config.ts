import { z } from 'zod';
import { durationSchema as duration } from '../../../model/src/duration.ts';
import type { DeliveryConfig } from '../notify/config.ts';
import type { DispatcherOptions } from './dispatch.ts';
import type { ReceiverAddressing } from './group.ts';
import { defaultInhibitRules, inhibitRuleSchema } from './inhibit.ts';
import { parseMatcher } from './matchers.ts';
import { buildTree, routeSchema } from './tree.ts';
import type { RouteConfig } from './tree.ts';

/** The notify section's routing side: the routing tree, inhibition, platform incidents, the dispatch tick. */
export const routingFields = {
  /** The routing tree; without one, `page` alerts go to `oncall`, tenant alerts to `tenants`, the rest to `operators`. */
  route: routeSchema.optional(),
  inhibit: z.array(inhibitRuleSchema).default(defaultInhibitRules),
  incidents: z
    .object({
      /** The tenant-addressed email receiver of platform-incident emails (default `tenants`, if defined). */
      receiver: z.string().optional(),
      group_wait: duration.default(10_000),
      repeat_interval: duration.default(24 * 3_600_000),
    })
    .strict()
    .default({ group_wait: 10_000, repeat_interval: 24 * 3_600_000 }),
  /** How often groups are looked at between evaluations (group_wait and intervals expire on this tick). */
  tick: duration.default(1_000),
};

/** The routing side as parsed, with the receivers and links it addresses. */
type RoutingConfig = z.output<z.ZodObject<typeof routingFields>> &
  Pick<DeliveryConfig, 'receivers' | 'links'>;

/**
 * The default tree over the receivers a config defines: tenant-audience alerts of owned groups and topics to
 * `tenants` (grouped per tenant, alert and object), operators' `info` alerts nowhere (the API and the page show
 * them), `page` alerts to `oncall`, everything else to `operators` (or nowhere). No route per team: the owner comes from the catalog.
 */
export function defaultRoute(receivers: Readonly<Record<string, unknown>>): RouteConfig {
  const routes: RouteConfig[] = [
    // The always-firing watchdog goes to a dead man's switch (a receiver named `watchdog`), or nowhere.
    {
      matchers: [parseMatcher('alertname="LookoutWatchdog"')],
      receiver: 'watchdog' in receivers ? 'watchdog' : 'none',
      repeat_interval: 5 * 60_000,
    },
  ];
  // A failing receiver is told about elsewhere: to the operators' mailbox, not (only) the pager it may be.
  if ('operators' in receivers)
    routes.push({
      matchers: [parseMatcher('alertname="LookoutNotificationsFailing"')],
      receiver: 'operators',
      continue: true,
    });
  if ('tenants' in receivers)
    routes.push({
      matchers: [parseMatcher('audience="tenant"'), parseMatcher('tenant=~".+"')],
      receiver: 'tenants',
      group_by: ['tenant', 'alertname', 'cluster', 'group'],
      group_wait: 30_000,
      group_interval: 5 * 60_000,
      repeat_interval: 12 * 3_600_000,
    });
  // Info alerts (a broker restarting by a controlled shutdown …) are for the API, the page and the dashboards.
  routes.push({ matchers: [parseMatcher('severity="info"')], receiver: 'none' });
  // Pages wait 5 s for what fires with them: inhibition already folds an incident's effects into one page.
  if ('oncall' in receivers)
    routes.push({ matchers: [parseMatcher('severity="page"')], receiver: 'oncall', group_wait: 5_000 });
  return {
    receiver: 'operators' in receivers ? 'operators' : 'none',
    group_by: ['alertname', 'cluster'],
    routes,
  };
}

/** How each receiver is addressed: email to the owning tenant, email to fixed addresses, or not by email. */
function addressing(config: Pick<DeliveryConfig, 'receivers'>): Map<string, ReceiverAddressing> {
  const receivers = new Map<string, ReceiverAddressing>();
  for (const [name, r] of Object.entries(config.receivers))
    receivers.set(
      name,
      'email' in r
        ? r.email.to === 'owner'
          ? { perTenant: true }
          : { perTenant: false, to: r.email.to }
        : { perTenant: false },
    );
  return receivers;
}

/**
 * The dispatcher's options from the notify section: the tree (or the default one), inhibition, incidents, and
 * the links' bases (the alerter's public URL; Grafana's).
 */
export function dispatcherOptions(c: RoutingConfig, publicUrl?: string): DispatcherOptions {
  const receivers = addressing(c);
  const incidentReceiver =
    c.incidents.receiver ?? (receivers.get('tenants')?.perTenant === true ? 'tenants' : undefined);
  return {
    tree: buildTree(c.route ?? defaultRoute(c.receivers)),
    inhibit: c.inhibit,
    receivers,
    ...(incidentReceiver === undefined ? {} : { incidentReceiver }),
    incidentTiming: {
      group_by: ['alertname', 'cluster'],
      group_wait: c.incidents.group_wait,
      group_interval: c.incidents.group_wait,
      repeat_interval: c.incidents.repeat_interval,
    },
    links: {
      ...(publicUrl === undefined ? {} : { alerter: publicUrl }),
      ...(c.links.grafana === undefined ? {} : { grafana: c.links.grafana }),
    },
  };
}
