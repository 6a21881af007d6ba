import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';

/** MAX_REQUEST_BYTES bounds a GraphQL request body; larger ones are refused with 413. */
export const MAX_REQUEST_BYTES = 100_000;

/** graphqlPreset is the PostGraphile configuration: app_public only, conveniences off in production. */
export function graphqlPreset(config: Config, pool: pg.Pool): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ pool, schemas: ['app_public'] })],
    grafserv: {
      graphqlPath: '/graphql',
      graphiql: config.devConveniences,
      graphiqlOnGraphQLGET: config.devConveniences,
      graphiqlPath: '/graphiql',
      watch: false,
      websockets: false,
      maxRequestLength: MAX_REQUEST_BYTES,
    },
  };
}

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
