import express from 'express';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { RuleStatus } from '../engine/engine.ts';

/** What the API reads. */
export interface AlerterView {
  alerts(): TrackedAlert[];
  rules(): RuleStatus[];
  health(): { healthy: boolean; reason?: string; lastEvaluationMs?: number };
  registry: Registry;
}

const phases = new Set(['pending', 'firing', 'resolved']);

/**
 * The alerter's HTTP API (express is imported here only): `GET /api/alerts[?state=firing|pending|resolved]`,
 * `GET /api/rules`, `/metrics`, `/healthz`. Unknown paths and bad parameters get a JSON error.
 */
export async function serveApi(listen: string, view: AlerterView): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/api/alerts', (req, res) => {
    const state = req.query.state;
    if (state !== undefined && (typeof state !== 'string' || !phases.has(state))) {
      res.status(400).json({ error: 'state must be one of pending, firing, resolved' });
      return;
    }
    const alerts = view
      .alerts()
      .filter((a) => state === undefined || a.phase === state)
      .sort((a, b) => a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint));
    res.json({ alerts });
  });
  app.get('/api/rules', (_req, res) => {
    res.json({ rules: view.rules() });
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
    res.status(404).json({ error: 'not found: try /api/alerts, /api/rules, /metrics or /healthz' });
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
