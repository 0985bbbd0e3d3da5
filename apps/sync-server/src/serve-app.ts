/**
 * `serveApp`: the app over node's HTTP server (`@hono/node-server`), with the app's node fast path
 * (`nodeFastPathOf`: Twilio's webhooks, `webhooks/twilio-node-handler.ts`) answering its requests
 * before Hono sees them. Used by `startServer` and the test harness, so tests exercise what
 * production serves.
 */
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { serve } from '@hono/node-server';
import { nodeFastPathOf, type App } from './app.ts';

export function serveApp(app: App, port: number, hostname: string): Promise<Server> {
  const fast = nodeFastPathOf(app);
  const create = (options: ServerOptions, hono: RequestListener): Server =>
    createServer(
      options,
      fast
        ? (req, res) => {
            if (!fast(req, res)) hono(req, res);
          }
        : hono,
    );
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port, hostname, createServer: create as typeof createServer },
      () => resolve(server as Server),
    );
    server.once('error', reject);
  });
}
