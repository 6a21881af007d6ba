import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, type Context as GraphqlWsContext, makeServer } from 'graphql-ws';
import { makeGraphQLWSConfig, normalizeConnectionParams } from 'postgraphile/grafserv';
import type { NodeGrafserv } from 'postgraphile/grafserv/node';
import { GraphQLError } from 'postgraphile/graphql';
import { type WebSocket, WebSocketServer } from 'ws';
import type { LimitErrorCode } from '../db/errors.ts';
import type { Logger } from '../log.ts';
import { AuthError, type Claims } from './auth.ts';
import { MAX_REQUEST_BYTES } from './graphql.ts';

type ConnectionParams = Record<string, unknown> | undefined;
type Extra = { socket: WebSocket; request: IncomingMessage };
type Context = GraphqlWsContext<ConnectionParams, Extra>;

/** WS_CLOSE_AUTH is the close code of a socket whose token is missing, bad or has expired. */
export const WS_CLOSE_AUTH = CloseCode.Forbidden;

/** WebSockets take HTTP upgrade requests to /graphql over to graphql-ws. */
export interface WebSockets {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** close closes every open socket (1001, going away). */
  close(): void;
}

/**
 * makeUpgradeHandler serves GraphQL subscriptions with the graphql-ws protocol on grafserv's
 * execution (the schema, limits, context and masking of every other request), adding what
 * grafserv leaves out: the token in the connection's init payload
 * (`connectionParams: { authorization: 'Bearer <token>' }`) is verified when the socket
 * connects, and a missing, bad or expired one closes the socket with WS_CLOSE_AUTH (4403) and a
 * reason that starts with the error code (`TOKEX: token has expired`); when the token expires
 * later, the socket is closed the same way. A caller (a token's sub) may have `maxOperations`
 * operations open at once over all their sockets to this process (GRAPHQL_MAX_SUBSCRIPTIONS);
 * one more is refused with SUBSC.
 */
export function makeUpgradeHandler(
  serv: NodeGrafserv,
  verify: (authorization: string | undefined) => Promise<Claims | undefined>,
  maxOperations: number,
  log: Logger,
): WebSockets {
  const expiries = new WeakMap<object, NodeJS.Timeout>();
  // Each caller's open sockets; a socket's operations in flight are graphql-ws's ctx.subscriptions.
  const sockets = new Map<string, Set<Context>>();
  const callers = new WeakMap<Context, string>();
  const grafservConfig = makeGraphQLWSConfig(serv);
  const graphqlWs = makeServer<ConnectionParams, Extra>({
    ...grafservConfig,
    onSubscribe(ctx, id, payload) {
      const caller = callers.get(ctx);
      let open = 0;
      for (const socket of (caller ? sockets.get(caller) : undefined) ?? []) {
        open += Object.keys(socket.subscriptions).length;
      }
      if (open > maxOperations) {
        return [
          new GraphQLError(
            `you have ${maxOperations} operations open; GRAPHQL_MAX_SUBSCRIPTIONS allows no more: complete one first`,
            { extensions: { code: 'SUBSC' satisfies LimitErrorCode } },
          ),
        ];
      }
      return grafservConfig.onSubscribe?.(ctx, id, payload);
    },
    async onConnect(ctx) {
      const { socket } = ctx.extra;
      // As the context reads it (src/http/graphql.ts): any case, as GraphiQL's Headers tab sends it.
      const header = normalizeConnectionParams(ctx.connectionParams)?.authorization;
      let claims: Claims | undefined;
      try {
        claims = await verify(typeof header === 'string' ? header : undefined);
        if (!claims)
          throw new AuthError(
            'sign in: connectionParams.authorization must be "Bearer <token>"',
            'AUTHH',
          );
      } catch (error) {
        const reason =
          error instanceof AuthError ? `${error.code}: ${error.message}` : 'INTRN: internal error';
        if (!(error instanceof AuthError))
          log.error({ err: error }, 'WebSocket authorization failed');
        socket.close(WS_CLOSE_AUTH, reason);
        return false;
      }
      callers.set(ctx, claims.sub);
      const own = sockets.get(claims.sub) ?? new Set();
      sockets.set(claims.sub, own.add(ctx));
      const left = claims.exp * 1000 - Date.now();
      expiries.set(
        socket,
        setTimeout(() => socket.close(WS_CLOSE_AUTH, 'TOKEX: token has expired'), left),
      );
      return true;
    },
    onClose(ctx) {
      const caller = callers.get(ctx);
      const own = caller ? sockets.get(caller) : undefined;
      if (!caller || !own) return;
      own.delete(ctx);
      if (own.size === 0) sockets.delete(caller);
    },
  });
  // A message is bounded as a request body is (1009, message too big, past it).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // A client's protocol error (a message too big, a bad frame) closes its socket; without a
    // listener it would be thrown and stop the process.
    socket.on('error', (error) => log.debug({ err: error }, 'WebSocket closed on a client error'));
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', async (data) => {
            try {
              await cb(String(data));
            } catch (error) {
              socket.close(CloseCode.InternalServerError, (error as Error).message);
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearTimeout(expiries.get(socket));
      void closed(code, String(reason));
    });
  });
  return {
    upgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      for (const socket of wss.clients) socket.close(1001, 'the server is stopping');
      wss.close();
    },
  };
}
