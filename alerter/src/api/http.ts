import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { z } from 'zod';
import type { Labels } from '../../../model/src/labels.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import { silenceInputSchema } from '../route/silences.ts';
import type { Silence } from '../route/silences.ts';
import { maxHistoryHours } from '../tenant-history.ts';
import { alertAnswer, incidentOf, iso, outboxAnswer, silenceAnswer } from './answers.ts';
import { Access } from './access.ts';
import { webPage } from './page.ts';
import type { AlerterView } from './alerter-view.ts';
import { ApiError, parse } from './errors.ts';
import { lagAnswer } from './lag-answer.ts';
import { rulesAnswer } from './rules-answer.ts';
import { tenantsAnswer } from './tenants-answer.ts';

const runbooks = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'runbooks.md');
const require = createRequire(import.meta.url);
/** The page's charting library (uPlot), served from the installed package. */
const assets = new Map([
  ['uplot.js', require.resolve('uplot/dist/uPlot.iife.min.js')],
  ['uplot.css', require.resolve('uplot/dist/uPlot.min.css')],
]);

const alertFilter = z
  .object({
    state: z.enum(['pending', 'firing', 'resolved']).optional(),
    severity: z.enum(['page', 'ticket', 'info']).optional(),
    cluster: z.string().min(1).max(200).optional(),
    tenant: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * The alerter's HTTP API (express is imported here only) and its web page. Reads: alerts (filtered by state,
 * severity, cluster, tenant), rules, tenants and their alerts and consumer groups, silences, notifications. Writes (operator
 * token): silences. A tenant token reads only its own tenant's alerts. `/metrics` and `/healthz` are open.
 */
export function serveApi(server: Server, view: AlerterView): void {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  const access = new Access(
    (h) => view.caller(h),
    () => view.tenants(),
    () => view.now(),
  );
  const operator = (req: Request): void =>
    access.operator(req.get('authorization'), req.socket.remoteAddress ?? '');
  const readerOf = (req: Request, tenant?: string) =>
    access.reader(req.get('authorization'), req.socket.remoteAddress ?? '', tenant);
  const described = (a: TrackedAlert, tenant?: string) =>
    alertAnswer(tenant === undefined ? a : view.forTenant(a, tenant), {
      owner: view.ownerOf(a.labels),
      mute: view.muted().get(a.fingerprint),
      links: view.links,
      incident: incidentOf(a, view.placements(a), tenant),
    });
  /** A read of the stored groups, or 503 while InfluxDB cannot be read. */
  const fromStore = <T>(read: Promise<T>): Promise<T> =>
    read.catch(() => {
      throw new ApiError(503, 'the consumer groups cannot be read from InfluxDB now');
    });
  const listAlerts = (req: Request, only?: string) => {
    const c = readerOf(req);
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
  app.get('/assets/:name', (req, res) => {
    const file = assets.get(req.params.name);
    if (file === undefined) throw new ApiError(404, `no asset ${req.params.name}`);
    res.set('cache-control', 'public, max-age=86400').sendFile(file);
  });
  // The runbooks notifications link to (`links.alerter` + `docs/runbooks.md#alert`).
  app.get('/docs/runbooks.md', (_req, res) => {
    res.type('text/markdown; charset=utf-8').sendFile(runbooks);
  });
  app.get('/api/alerts', (req, res) => {
    res.json({ alerts: listAlerts(req) });
  });
  app.get('/api/rules', (req, res) => {
    const c = readerOf(req);
    const ownerOf = (labels: Labels): string => view.ownerOf(labels);
    res.json(rulesAnswer(c, view.rules(), view.definitions(), view.alerts(), ownerOf, view.lastEvaluation()));
  });
  // Burrow's /v3/kafka/CLUSTER/consumer/GROUP/lag: a group that is not the caller's answers as one that is not there.
  app.get('/api/lag/:cluster/:group', async (req, res) => {
    const c = readerOf(req);
    const { cluster, group } = req.params;
    const mine = c.role === 'operator' || view.ownerOf({ cluster, group }) === c.tenant;
    const lag = mine ? await fromStore(view.groupLag(cluster, group)) : undefined;
    if (lag === undefined)
      throw new ApiError(404, `no consumer group ${group} stored lately in cluster ${cluster}`);
    res.json(lagAnswer(c, lag, view.alerts(), (labels) => view.ownerOf(labels)));
  });
  app.get('/api/whoami', (req, res) => {
    res.json(readerOf(req));
  });
  app.get('/api/tenants', (req, res) => {
    const c = readerOf(req);
    res.json({ tenants: tenantsAnswer(c, view.tenants(), view.alerts(), (labels) => view.ownerOf(labels)) });
  });
  app.get('/api/tenants/:name/alerts', (req, res) => {
    readerOf(req, req.params.name);
    res.json({ alerts: listAlerts(req, req.params.name) });
  });
  app.get('/api/tenants/:name/groups', async (req, res) => {
    readerOf(req, req.params.name);
    res.json({ groups: await fromStore(view.groups(req.params.name)) });
  });
  app.get('/api/tenants/:name/lag-history', async (req, res) => {
    readerOf(req, req.params.name);
    const hours = parse(
      z.coerce.number().min(0.25).max(maxHistoryHours).default(3),
      req.query.hours,
      'hours',
    );
    const { stepMs, groups } = await fromStore(view.lagHistory(req.params.name, hours));
    res.json({
      hours,
      stepSeconds: stepMs / 1_000,
      groups: groups.map((g) => ({ ...g, times: g.times.map(iso) })),
    });
  });
  app.get('/api/tenants/:name/topics', async (req, res) => {
    readerOf(req, req.params.name);
    res.json({ topics: await fromStore(view.topicRates(req.params.name)) });
  });
  app.get('/api/silences', (req, res) => {
    operator(req);
    res.json({ silences: view.silences().map((s) => silenceAnswer(s, view.now())) });
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
    res.status(201).json(silenceAnswer(s, view.now()));
  });
  // What a silence would mute, before it is made: the page's live preview.
  app.post('/api/silences/preview', (req, res) => {
    operator(req);
    const { matches, refused } = view.previewSilence(parse(silenceInputSchema, req.body ?? {}, 'silence'));
    res.json({ matches: matches.map((a) => described(a)), ...(refused === undefined ? {} : { refused }) });
  });
  app.delete('/api/silences/:id', (req, res) => {
    operator(req);
    const id = req.params.id;
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new ApiError(400, 'a silence id is a UUID');
    const by = typeof req.query.by === 'string' && req.query.by !== '' ? req.query.by : 'api';
    const s = view.expireSilence(id, by);
    if (s === undefined) throw new ApiError(404, `no silence ${id}`);
    res.json(silenceAnswer(s, view.now()));
  });
  app.get('/api/notifications', (req, res) => {
    operator(req);
    const limit = parse(z.coerce.number().int().min(1).max(1_000).default(200), req.query.limit, 'limit');
    res.json({ notifications: view.notifications(limit).map(outboxAnswer) });
  });
  app.get('/metrics', (_req, res) => {
    void view.registry.metrics().then((text) => {
      res.type(view.registry.contentType).send(text);
    });
  });
  app.get('/healthz', (_req, res) => {
    const { lastEvaluationMs, ...h } = view.health();
    res
      .status(h.healthy ? 200 : 503)
      .json({ ...h, ...(lastEvaluationMs === undefined ? {} : { lastEvaluation: iso(lastEvaluationMs) }) });
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
  server.on('request', app);
}

/**
 * An HTTP server bound to `host:port` (port 0: any free one) and answering nothing yet: bound first, so that a
 * taken port fails the start at once and the alerter knows its own address before it sends a link.
 */
export function listenOn(listen: string): Promise<Server> {
  const at = listen.lastIndexOf(':');
  const server = createServer();
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(Number(listen.slice(at + 1)), listen.slice(0, at), () => {
      server.off('error', fail);
      ok(server);
    });
  });
}
