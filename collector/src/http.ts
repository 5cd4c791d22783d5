import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { FleetState } from './fleet.ts';
import type { SpoolState } from './sink/spool.ts';

/** What /healthz reports. */
export interface Health {
  healthy: boolean;
  lastCompleteMs?: number;
  spool: SpoolState;
  /** Fleet mode: what this member holds. */
  fleet?: FleetState;
}

/**
 * Serves `/metrics` (the collector's own health, Prometheus text) and `/healthz` (200 while cycles complete,
 * 503 otherwise, JSON either way) on `host:port`. Anything else is a 404.
 */
export async function serveHealth(listen: string, registry: Registry, health: () => Health): Promise<Server> {
  const [host, port] = [
    listen.slice(0, listen.lastIndexOf(':')),
    Number(listen.slice(listen.lastIndexOf(':') + 1)),
  ];
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(await registry.metrics());
      } else if (req.method === 'GET' && req.url === '/healthz') {
        const h = health();
        res.writeHead(h.healthy ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(h));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found: try /metrics or /healthz\n');
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  return server;
}
