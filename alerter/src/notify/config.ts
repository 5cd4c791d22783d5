import { z } from 'zod';
import { durationSchema as duration } from '../../../model/src/duration.ts';
import { envName } from '../../../model/src/config-fields.ts';
import { defaultInhibitRules, inhibitRuleSchema } from '../route/inhibit.ts';
import { parseMatcher } from '../route/matchers.ts';
import { routeSchema } from '../route/tree.ts';
import type { RouteConfig } from '../route/tree.ts';

const url = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

const receiverSchema = z.union([
  z
    .object({
      webhook: z
        .object({
          url,
          /** `lookout`: the documented JSON payload; `pagerduty`: PagerDuty Events API v2. */
          format: z.enum(['lookout', 'pagerduty']).default('lookout'),
          /** The PagerDuty integration's routing key, from this environment variable. */
          routing_key_env: envName.optional(),
          timeout: duration.default(10_000),
        })
        .strict(),
    })
    .strict(),
  z.object({ alertmanager: z.object({ url, timeout: duration.default(10_000) }).strict() }).strict(),
  z
    .object({
      email: z
        .object({
          /** `owner`: the contacts of the tenant owning the alert's group or topic; or fixed addresses. */
          to: z.union([z.literal('owner'), z.array(z.email()).min(1)]),
        })
        .strict(),
    })
    .strict(),
]);

/** One receiver's configuration. */
export type ReceiverConfig = z.output<typeof receiverSchema>;

/** Routing and notification: receivers, the routing tree, inhibition, platform incidents, delivery. */
export const notifySchema = z
  .object({
    /** Where links in notifications point: the alerter's web page (runbooks too) and Grafana. */
    links: z.object({ alerter: url.optional(), grafana: url.optional() }).strict().default({}),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535).default(25),
        secure: z.boolean().default(false),
        require_tls: z.boolean().default(false),
        username: z.string().min(1).optional(),
        password_env: envName.optional(),
        from: z.email(),
        timeout: duration.default(10_000),
      })
      .strict()
      .optional(),
    receivers: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a receiver name'), receiverSchema)
      .default({}),
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
    delivery: z
      .object({
        initial_backoff: duration.default(1_000),
        max_backoff: duration.default(300_000),
        jitter: z.number().min(0).max(1).default(0.2),
        reconnect_every: duration.default(500),
        /** Queued notifications older than this that keep failing raise LookoutNotificationsFailing. */
        failing_after: duration.default(60_000),
      })
      .strict()
      .default({
        initial_backoff: 1_000,
        max_backoff: 300_000,
        jitter: 0.2,
        reconnect_every: 500,
        failing_after: 60_000,
      }),
    /** How often groups are looked at between evaluations (group_wait and intervals expire on this tick). */
    tick: duration.default(1_000),
  })
  .strict();

/** The notify section as parsed. */
export type NotifyConfig = z.output<typeof notifySchema>;

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
