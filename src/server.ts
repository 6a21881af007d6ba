import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type pg from 'pg';
import { postgraphile } from 'postgraphile';
import { grafserv } from 'postgraphile/grafserv/node';
import type { Config } from './config.ts';
import { graphqlPreset } from './graphql.ts';
import type { Logger } from './log.ts';

/** HttpServer is the listening GraphQL server. */
export interface HttpServer {
  readonly server: Server;
  /** url is where it listens, e.g. http://127.0.0.1:5678. */
  readonly url: string;
  /** close stops accepting connections, waits for requests in flight, then releases PostGraphile. */
  close(): Promise<void>;
}

/** ServerOptions are what the HTTP server needs. */
export interface ServerOptions {
  readonly config: Config;
  readonly pool: pg.Pool;
  readonly log: Logger;
}

/**
 * startServer serves GraphQL at /graphql (GraphiQL too, outside production) and liveness at
 * /healthz, on HOST:PORT.
 */
export async function startServer({ config, pool, log }: ServerOptions): Promise<HttpServer> {
  const pgl = postgraphile(graphqlPreset(config, pool));
  const serv = pgl.createServ(grafserv);
  const graphql = serv.createHandler();
  await pgl.getSchema();

  const server = createServer((req, res) => {
    if (req.url === '/healthz') return sendJson(res, 200, { status: 'ok' });
    graphql(req, res, () => sendJson(res, 404, { error: `nothing at ${req.method} ${req.url}` }));
  });
  server.on('clientError', (error, socket) => {
    log.debug({ err: error }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url: `${url}/graphql` }, 'GraphQL server listening');

  return {
    server,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await pgl.release(); // also releases serv
      for (const service of pgl.getResolvedPreset().pgServices ?? []) await service.release?.();
    },
  };
}

function sendJson(res: ServerResponse<IncomingMessage>, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
