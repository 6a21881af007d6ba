import fs from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { postgraphile } from 'postgraphile';
import { PgSubscriber } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import type { Config } from '../config.ts';
import type { ErrorCode } from '../db/errors.ts';
import type { Logger } from '../log.ts';
import { countGraphqlRequest, type Metrics } from '../metrics.ts';
import { adminDir } from '../paths.ts';
import { verifyAuthorization } from './auth.ts';
import { ENDPOINTS, type EndpointName, servedUrls } from './endpoints.ts';
import { graphqlPreset } from './graphql.ts';
import { sendHome } from './home.ts';
import { createRequestLimiter } from './ratelimit.ts';
import { checkReadiness, type ReadinessProbe } from './readiness.ts';
import { makeUpgradeHandler, type WebSockets } from './websockets.ts';

/** HttpServer is the listening HTTP server (and the ops server, when OPS_PORT is set). */
export interface HttpServer {
  /** server is the public server, or the ops server when a worker serves only that. */
  readonly server: Server;
  /** url is where it listens, e.g. http://127.0.0.1:5678. */
  readonly url: string;
  /** opsUrl is where health, readiness and metrics are served: url unless OPS_PORT is set. */
  readonly opsUrl: string;
  /** close stops accepting connections, waits for requests in flight, then releases PostGraphile. */
  close(): Promise<void>;
}

/** ServerOptions are what the HTTP server needs; without graphqlPool it serves only the ops endpoints. */
export interface ServerOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly probes: Record<string, ReadinessProbe>;
  /** graphqlPool runs GraphQL requests, one transaction each. */
  readonly graphqlPool?: pg.Pool;
  /** listenPool holds the session subscriptions LISTEN on (DATABASE_LISTEN_URL); graphqlPool's otherwise. */
  readonly listenPool?: pg.Pool;
}

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
type Route = (req: IncomingMessage, res: ServerResponse, route: string) => boolean;

/**
 * startServer listens on HOST:PORT and serves, in every role: GET /healthz (the process is
 * alive), GET /readyz (every readiness probe passes, else 503 naming the failing ones) and
 * GET /metrics (Prometheus text). With a GraphQL pool it also serves GraphQL at /graphql
 * (and GraphiQL outside production) and the admin page. With OPS_PORT set, the ops endpoints
 * move to OPS_HOST:OPS_PORT and HOST:PORT serves only the API (a worker then listens only there).
 */
export async function startServer({
  config,
  log,
  metrics,
  probes,
  graphqlPool,
  listenPool,
}: ServerOptions): Promise<HttpServer> {
  const limiter = createRequestLimiter(config.rateLimit, config.jwtSecret, config.tokenMaxTtl);
  let graphql: Handler | undefined;
  let websockets: WebSockets | undefined;
  let release = async () => {};
  if (graphqlPool) {
    const subscriber = new PgSubscriber(listenPool ?? graphqlPool);
    const pgl = postgraphile(graphqlPreset(config, graphqlPool, limiter, subscriber));
    const serv = pgl.createServ(grafserv);
    graphql = serv.createHandler();
    websockets = makeUpgradeHandler(
      serv,
      (header) => verifyAuthorization(header, config.jwtSecret, config.tokenMaxTtl),
      config.maxSubscriptions,
      log,
    );
    await pgl.getSchema();
    const sockets = websockets;
    release = async () => {
      sockets.close();
      await pgl.release(); // also releases the grafserv instance
      for (const service of pgl.getResolvedPreset().pgServices ?? []) await service.release?.();
      // Ours, not the service's: it gives its connection back once it has unlistened.
      subscriber.release();
    };
  }

  // Known once listening; `GET /` lists them.
  let urls: Partial<Record<EndpointName, string>> = {};
  const serveOps: Route = (req, res, route) => {
    if (req.method === 'GET' && route === ENDPOINTS.index.path) {
      sendHome(req, res, urls);
      return true;
    }
    if (req.method === 'GET' && route === ENDPOINTS.healthz.path) {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (req.method === 'GET' && route === ENDPOINTS.readyz.path) {
      void checkReadiness(probes).then((readiness) =>
        sendJson(res, readiness.ready ? 200 : 503, readiness),
      );
      return true;
    }
    if (req.method === 'GET' && route === ENDPOINTS.metrics.path) {
      void metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (error: Error) => sendJson(res, 500, { error: `metrics unavailable: ${error.message}` }),
      );
      return true;
    }
    return false;
  };

  const serveApi = (req: IncomingMessage, res: ServerResponse, route: string) => {
    const notFound = () => sendJson(res, 404, { error: `nothing at ${req.method} ${req.url}` });
    if (!graphql) return notFound();
    const admin = req.method === 'GET' ? adminFile(route) : undefined;
    if (admin) {
      void sendAdminFile(res, admin).catch(notFound);
      return;
    }
    if (route === ENDPOINTS.graphql.path) countGraphqlRequest(metrics, req, res);
    if (route === ENDPOINTS.graphql.path && limiter) {
      const handler = graphql;
      void limiter.admit(req).then(
        (refusal) => {
          if (!refusal) return handler(req, res, notFound);
          res.setHeader('retry-after', String(refusal.retryAfterSeconds));
          sendJson(res, 429, {
            errors: [
              { message: refusal.message, extensions: { code: 'RATED' satisfies ErrorCode } },
            ],
          });
        },
        (error: Error) => {
          log.error({ err: error }, 'rate limiter failed');
          sendJson(res, 500, {
            errors: [
              { message: 'internal error', extensions: { code: 'INTRN' satisfies ErrorCode } },
            ],
          });
        },
      );
      return;
    }
    graphql(req, res, notFound);
  };

  const routeOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0] ?? '/';
  const opsOnly = (req: IncomingMessage, res: ServerResponse) => {
    if (!serveOps(req, res, routeOf(req))) {
      sendJson(res, 404, { error: `nothing at ${req.method} ${req.url}` });
    }
  };
  const listeners: Array<{ server: Server; url: string }> = [];
  const listenOn = async (
    host: string,
    port: number,
    handle: (req: IncomingMessage, res: ServerResponse) => void,
  ) => {
    const server = createServer(handle);
    if (websockets && handle !== opsOnly) {
      const { upgrade } = websockets;
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (routeOf(req) === ENDPOINTS.graphql.path) upgrade(req, socket, head);
        else socket.destroy();
      });
    }
    server.on('clientError', (error, socket) => {
      log.debug({ err: error }, 'bad HTTP request');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    listeners.push({ server, url });
    return url;
  };

  let url: string | undefined;
  let opsUrl: string | undefined;
  try {
    if (config.ops) {
      opsUrl = await listenOn(config.ops.host, config.ops.port, opsOnly);
      if (graphql)
        url = await listenOn(config.host, config.port, (req, res) => {
          const route = routeOf(req);
          if (req.method === 'GET' && route === ENDPOINTS.index.path) sendHome(req, res, urls);
          else serveApi(req, res, route);
        });
    } else {
      url = await listenOn(config.host, config.port, (req, res) => {
        const route = routeOf(req);
        if (!serveOps(req, res, route)) serveApi(req, res, route);
      });
      opsUrl = url;
    }
    urls = servedUrls(graphql ? url : undefined, opsUrl, config.devConveniences);
    // Tests and tools read `url` from these lines: it stays last before the message.
    // One line lists every URL: the GraphQL server's, or the ops server's when it is alone.
    if (!graphql) log.info({ urls, url: opsUrl }, 'health and metrics listening');
    else if (config.ops) log.info({ url: opsUrl }, 'health and metrics listening');
    if (graphql) {
      log.info({ urls, url: `${url}${ENDPOINTS.graphql.path}` }, 'GraphQL server listening');
    }
  } catch (error) {
    await closeAll(listeners);
    await release();
    throw error;
  }
  const main = listeners.find((listener) => listener.url === url) ?? listeners[0];
  if (!main || !opsUrl) throw new Error('no HTTP server is listening');

  return {
    server: main.server,
    url: main.url,
    opsUrl,
    async close() {
      await closeAll(listeners);
      await release();
    },
  };
}

async function closeAll(listeners: ReadonlyArray<{ server: Server }>): Promise<void> {
  await Promise.all(
    listeners.map(
      ({ server }) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    ),
  );
}

/** ADMIN_TYPES are the extensions the admin page's files may have, with their content types. */
const ADMIN_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

/**
 * ADMIN_PATH matches /admin/<file>: folders and a file name of letters, digits, '_', '-' and
 * inner dots, never a segment that starts with a dot ('..' included) and never '%' (an encoded
 * '..' or '/'), so nothing outside admin/ can be named.
 */
const ADMIN_PATH = /^\/admin\/((?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*)$/;

/**
 * VENDOR_DIRS are the browser builds of libraries the admin page imports, served under
 * /admin/vendor/<name>/ from the installed package (no copy to keep in step): graphql-ws's
 * client (admin/js/live.js) and the chunk it imports beside it.
 */
const VENDOR_DIRS: Record<string, string> = {
  'graphql-ws': path.dirname(fileURLToPath(import.meta.resolve('graphql-ws/client'))),
};

/** VENDOR_PATH matches /admin/vendor/<name>/<file>.js: one plain file name, no folder. */
const VENDOR_PATH = /^\/admin\/vendor\/([a-z-]+)\/([A-Za-z0-9_-]+\.js)$/;

/**
 * adminFile is the file a URL path names under admin/ (or a vendor's directory), with its
 * content type, or undefined.
 */
function adminFile(route: string): { dir: string; file: string; type: string } | undefined {
  if (route === '/admin' || route === '/admin/') {
    return { dir: adminDir, file: 'index.html', type: ADMIN_TYPES['.html'] as string };
  }
  const vendor = VENDOR_PATH.exec(route);
  const vendorDir = vendor ? VENDOR_DIRS[vendor[1] as string] : undefined;
  if (vendor && vendorDir)
    return { dir: vendorDir, file: vendor[2] as string, type: ADMIN_TYPES['.js'] as string };
  // Browsers ask for /favicon.ico on every page they open, GraphiQL's included.
  const file = route === '/favicon.ico' ? 'favicon.ico' : ADMIN_PATH.exec(route)?.[1];
  const type = file ? ADMIN_TYPES[path.extname(file)] : undefined;
  return file && type ? { dir: adminDir, file, type } : undefined;
}

async function sendAdminFile(
  res: ServerResponse<IncomingMessage>,
  entry: { dir: string; file: string; type: string },
): Promise<void> {
  const body = await fs.readFile(path.join(entry.dir, entry.file));
  res.writeHead(200, {
    'content-type': entry.type,
    'content-length': body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // The page loads nothing but its own files and talks to nothing but /graphql.
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  });
  res.end(body);
}

function sendJson(res: ServerResponse<IncomingMessage>, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
