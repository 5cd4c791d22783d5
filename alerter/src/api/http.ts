import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Labels } from '../../../model/src/labels.ts';
import type { Tenant } from '../../../model/src/tenants.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Rule } from '../../../rules/src/schema.ts';
import type { RuleStatus } from '../engine/engine.ts';
import type { Mute } from '../route/dispatch.ts';
import { silenceInputSchema, silenceState } from '../route/silences.ts';
import type { Silence } from '../route/silences.ts';
import type { OutboxRow } from '../store/notify.ts';
import type { GroupLag } from '../group-lag.ts';
import type { GroupView } from '../tenant-groups.ts';
import type { Caller } from './auth.ts';
import { webPage } from './page.ts';
import { lagAnswer } from './lag-answer.ts';
import { rulesAnswer } from './rules-answer.ts';
import { tenantsAnswer } from './tenants-answer.ts';

const runbooks = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'runbooks.md');

/** What the API reads and changes. */
export interface AlerterView {
  alerts(): TrackedAlert[];
  rules(): RuleStatus[];
  /** The rules as loaded (overrides applied), and the last evaluation of them all. */
  definitions(): readonly Rule[];
  lastEvaluation(): { atMs: number; durationMs: number } | undefined;
  health(): { healthy: boolean; reason?: string; lastEvaluationMs?: number };
  registry: Registry;
  caller(authorization: string | undefined): Caller;
  ownerOf(labels: Labels): string;
  /** An alert as a tenant may see it (other tenants' evidence removed). */
  forTenant(alert: TrackedAlert, tenant: string): TrackedAlert;
  tenants(): Tenant[];
  /** The consumer groups the collector stored lately, of one tenant or (undefined) all. */
  groups(tenant: string | undefined): Promise<GroupView[]>;
  /** One group's newest lag, per partition; undefined when not stored lately. */
  groupLag(cluster: string, group: string): Promise<GroupLag | undefined>;
  muted(): ReadonlyMap<string, Mute>;
  silences(): Silence[];
  addSilence(input: z.output<typeof silenceInputSchema>): Silence;
  expireSilence(id: string, by: string): Silence | undefined;
  notifications(limit: number): OutboxRow[];
  now(): number;
}

const alertFilter = z
  .object({
    state: z.enum(['pending', 'firing', 'resolved']).optional(),
    severity: z.enum(['page', 'ticket', 'info']).optional(),
    cluster: z.string().min(1).max(200).optional(),
    tenant: z.string().min(1).max(200).optional(),
  })
  .strict();

/** A 4xx answer with what is wrong. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }
}

const issues = (e: z.ZodError): string[] =>
  e.issues.map((i) => `${i.path.length === 0 ? '' : `${i.path.join('.')}: `}${i.message}`);

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, `invalid ${what}`, issues(r.error));
  return r.data;
}

/**
 * The alerter's HTTP API (express is imported here only) and its web page. Reads: alerts (filtered by state,
 * severity, cluster, tenant), rules, tenants and their alerts and consumer groups, silences, notifications. Writes (operator
 * token): silences. A tenant token reads only its own tenant's alerts. `/metrics` and `/healthz` are open.
 */
export async function serveApi(listen: string, view: AlerterView): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  const caller = (req: Request): Caller => view.caller(req.get('authorization'));
  const operator = (req: Request): void => {
    const c = caller(req);
    if (c.role === 'none') throw new ApiError(401, c.reason);
    if (c.role !== 'operator') throw new ApiError(403, 'this needs the operator token');
  };
  const described = (a: TrackedAlert, tenant?: string) => {
    const shown = tenant === undefined ? a : view.forTenant(a, tenant);
    const mute = view.muted().get(a.fingerprint);
    return { ...shown, owner: view.ownerOf(a.labels), ...(mute === undefined ? {} : mute) };
  };
  /** A read of the stored groups, or 503 while InfluxDB cannot be read. */
  const fromStore = <T>(read: Promise<T>): Promise<T> =>
    read.catch(() => {
      throw new ApiError(503, 'the consumer groups cannot be read from InfluxDB now');
    });
  const listAlerts = (req: Request, only?: string) => {
    const c = caller(req);
    if (c.role === 'none') throw new ApiError(401, c.reason);
    const f = parse(alertFilter, req.query, 'query');
    const tenant = c.role === 'tenant' ? c.tenant : (only ?? f.tenant);
    if (c.role === 'tenant' && (only ?? f.tenant ?? c.tenant) !== c.tenant)
      throw new ApiError(403, `this token reads only tenant ${c.tenant}`);
    return view
      .alerts()
      .filter(
        (a) =>
          (f.state === undefined || a.phase === f.state) &&
          (f.severity === undefined || a.severity === f.severity) &&
          (f.cluster === undefined || a.labels.cluster === f.cluster) &&
          (tenant === undefined || view.ownerOf(a.labels) === tenant),
      )
      .sort((a, b) => a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint))
      .map((a) => described(a, c.role === 'tenant' ? c.tenant : undefined));
  };

  app.get('/', (_req, res) => {
    res.type('html').send(webPage);
  });
  // The runbooks notifications link to (`links.alerter` + `docs/runbooks.md#alert`).
  app.get('/docs/runbooks.md', (_req, res) => {
    res.type('text/markdown; charset=utf-8').sendFile(runbooks);
  });
  app.get('/api/alerts', (req, res) => {
    res.json({ alerts: listAlerts(req) });
  });
  app.get('/api/rules', (req, res) => {
    const c = caller(req);
    if (c.role === 'none') throw new ApiError(401, 'send Authorization: Bearer <token>');
    const ownerOf = (labels: Labels): string => view.ownerOf(labels);
    res.json(rulesAnswer(c, view.rules(), view.definitions(), view.alerts(), ownerOf, view.lastEvaluation()));
  });
  // Burrow's /v3/kafka/CLUSTER/consumer/GROUP/lag: a group that is not the caller's answers as one that is not there.
  app.get('/api/lag/:cluster/:group', async (req, res) => {
    const c = caller(req);
    if (c.role === 'none') throw new ApiError(401, c.reason);
    const { cluster, group } = req.params;
    const mine = c.role === 'operator' || view.ownerOf({ cluster, group }) === c.tenant;
    const lag = mine ? await fromStore(view.groupLag(cluster, group)) : undefined;
    if (lag === undefined)
      throw new ApiError(404, `no consumer group ${group} stored lately in cluster ${cluster}`);
    res.json(lagAnswer(c, lag, view.alerts(), (labels) => view.ownerOf(labels)));
  });
  app.get('/api/whoami', (req, res) => {
    const c = caller(req);
    if (c.role === 'none') throw new ApiError(401, c.reason);
    res.json(c);
  });
  app.get('/api/tenants', (req, res) => {
    const c = caller(req);
    if (c.role === 'none') throw new ApiError(401, c.reason);
    res.json({ tenants: tenantsAnswer(c, view.tenants(), view.alerts(), (labels) => view.ownerOf(labels)) });
  });
  app.get('/api/tenants/:name/alerts', (req, res) => {
    const name = req.params.name;
    if (!view.tenants().some((t) => t.name === name)) throw new ApiError(404, `no tenant named ${name}`);
    res.json({ alerts: listAlerts(req, name) });
  });
  app.get('/api/tenants/:name/groups', async (req, res) => {
    const name = req.params.name;
    const c = caller(req);
    if (c.role === 'none') throw new ApiError(401, c.reason);
    if (c.role === 'tenant' && name !== c.tenant)
      throw new ApiError(403, `this token reads only tenant ${c.tenant}`);
    if (!view.tenants().some((t) => t.name === name)) throw new ApiError(404, `no tenant named ${name}`);
    res.json({ groups: await fromStore(view.groups(name)) });
  });
  app.get('/api/silences', (req, res) => {
    operator(req);
    const now = view.now();
    res.json({ silences: view.silences().map((s) => ({ ...s, state: silenceState(s, now) })) });
  });
  app.post('/api/silences', (req, res) => {
    operator(req);
    const input = parse(silenceInputSchema, req.body ?? {}, 'silence');
    let s: Silence;
    try {
      s = view.addSilence(input);
    } catch (err) {
      throw new ApiError(400, (err as Error).message);
    }
    res.status(201).json({ ...s, state: silenceState(s, view.now()) });
  });
  app.delete('/api/silences/:id', (req, res) => {
    operator(req);
    const id = req.params.id;
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new ApiError(400, 'a silence id is a UUID');
    const by = typeof req.query.by === 'string' && req.query.by !== '' ? req.query.by : 'api';
    const s = view.expireSilence(id, by);
    if (s === undefined) throw new ApiError(404, `no silence ${id}`);
    res.json({ ...s, state: silenceState(s, view.now()) });
  });
  app.get('/api/notifications', (req, res) => {
    operator(req);
    const limit = parse(z.coerce.number().int().min(1).max(1_000).default(200), req.query.limit, 'limit');
    res.json({ notifications: view.notifications(limit) });
  });
  app.get('/metrics', (_req, res) => {
    void view.registry.metrics().then((text) => {
      res.type(view.registry.contentType).send(text);
    });
  });
  app.get('/healthz', (_req, res) => {
    const h = view.health();
    res.status(h.healthy ? 200 : 503).json(h);
  });
  app.use((_req, res) => {
    res.status(404).json({
      error:
        'not found: try /, /api/alerts, /api/rules, /api/tenants, /api/lag/CLUSTER/GROUP, /api/silences, /api/notifications, /metrics or /healthz',
    });
  });
  // express tells error handlers by their four parameters.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) {
      res
        .status(err.status)
        .json({ error: err.message, ...(err.details === undefined ? {} : { details: err.details }) });
      return;
    }
    const e = err as { status?: number; type?: string; message?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      const message =
        e.type === 'entity.parse.failed' ? 'the body is not valid JSON' : (e.message ?? 'bad request');
      res.status(e.status).json({ error: message });
      return;
    }
    res.status(500).json({ error: 'internal error' });
  });
  const [host, port] = [
    listen.slice(0, listen.lastIndexOf(':')),
    Number(listen.slice(listen.lastIndexOf(':') + 1)),
  ];
  return new Promise((ok, fail) => {
    const server = app.listen(port, host, (err?: Error) => (err === undefined ? ok(server) : fail(err)));
    server.once('error', fail);
  });
}
