import { z } from 'zod';
import { durationSchema as duration } from '../../../model/src/duration.ts';
import { matcherSchema, matchesAll } from './matchers.ts';
import type { Matchable, Matcher } from './matchers.ts';

/** When a route's group is told: first after `group_wait`, changes after `group_interval`, again after `repeat_interval`. */
export interface Timing {
  group_by: string[];
  group_wait: number;
  group_interval: number;
  repeat_interval: number;
}

/** A route as written: matchers, a receiver, timings inherited by its children unless they set their own. */
export interface RouteConfig extends Partial<Timing> {
  receiver?: string;
  matchers?: Matcher[];
  continue?: boolean;
  routes?: RouteConfig[];
}

export const routeSchema: z.ZodType<RouteConfig, unknown> = z.lazy(() =>
  z
    .object({
      receiver: z.string().min(1).optional(),
      matchers: z.array(matcherSchema).optional(),
      continue: z.boolean().optional(),
      group_by: z
        .array(z.string().regex(/^([a-zA-Z_][a-zA-Z0-9_]*|\.\.\.)$/, 'a label name or ...'))
        .optional(),
      group_wait: duration.optional(),
      group_interval: duration.optional(),
      repeat_interval: duration.optional(),
      routes: z.array(routeSchema).optional(),
    })
    .strict(),
);

/** A route of the tree with everything inherited filled in. */
export interface Route extends Timing {
  /** Its place in the tree (`0.1.2`): part of every group key it makes. */
  id: string;
  receiver: string;
  matchers: Matcher[];
  continue: boolean;
  routes: Route[];
}

/** The root's defaults (Alertmanager's, except a shorter group_wait: inhibition already merges an incident). */
export const rootTiming: Timing = {
  group_by: ['alertname', 'cluster'],
  group_wait: 10_000,
  group_interval: 60_000,
  repeat_interval: 4 * 3_600_000,
};

/** The tree with inheritance resolved; the root needs a receiver (`none` drops what reaches only it). */
export function buildTree(root: RouteConfig): Route {
  const build = (r: RouteConfig, parent: Route | undefined, id: string): Route => {
    const route: Route = {
      id,
      receiver: r.receiver ?? parent?.receiver ?? 'none',
      matchers: r.matchers ?? [],
      continue: r.continue ?? false,
      group_by: r.group_by ?? parent?.group_by ?? rootTiming.group_by,
      group_wait: r.group_wait ?? parent?.group_wait ?? rootTiming.group_wait,
      group_interval: r.group_interval ?? parent?.group_interval ?? rootTiming.group_interval,
      repeat_interval: r.repeat_interval ?? parent?.repeat_interval ?? rootTiming.repeat_interval,
      routes: [],
    };
    route.routes = (r.routes ?? []).map((c, i) => build(c, route, `${id}.${i}`));
    return route;
  };
  return build(root, undefined, '0');
}

/**
 * The routes an alert goes to (Alertmanager's semantics): depth first, the first matching child wins unless
 * it says `continue`; a route none of whose children match takes the alert itself.
 */
export function routesFor(root: Route, alert: Matchable): Route[] {
  const walk = (r: Route): Route[] => {
    if (!matchesAll(r.matchers, alert)) return [];
    const out: Route[] = [];
    for (const child of r.routes) {
      const got = walk(child);
      out.push(...got);
      if (got.length > 0 && !child.continue) break;
    }
    return out.length > 0 ? out : [r];
  };
  return walk(root);
}

/** Every receiver a tree names. */
export function receiversOf(root: Route): Set<string> {
  const out = new Set<string>();
  const walk = (r: Route): void => {
    out.add(r.receiver);
    r.routes.forEach(walk);
  };
  walk(root);
  return out;
}
