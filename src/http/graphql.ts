import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import type pg from 'pg';
import { makeSchema } from 'postgraphile';
import { makePgService, type PgSubscriber } from 'postgraphile/adaptors/pg';
import { defaultMaskError } from 'postgraphile/grafserv';
import { GraphQLError, lexicographicSortSchema, printSchema } from 'postgraphile/graphql';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import type { Config } from '../config.ts';
import { isClientError } from '../db/errors.ts';
import { SEED_USERS } from '../db/seed.ts';
import { ActorNamePlugin } from './actor-name.ts';
import { adminStreamsPlugin } from './admin-streams.ts';
import { type Claims, verifyAuthorization } from './auth.ts';
import { ConventionsPreset } from './conventions.ts';
import { ENDPOINTS } from './endpoints.ts';
import { limitsPlugin, operationCost, withoutSuggestion } from './limits.ts';
import { MaskedColumnsPlugin } from './masked-columns.ts';
import type { RequestLimiter } from './ratelimit.ts';
import { responsesPlugin } from './responses.ts';
import { schedulesPlugin } from './schedules.ts';
import { subscriptionsPlugin } from './subscriptions.ts';
import { upcomingPlugin } from './upcoming.ts';

/** MAX_REQUEST_BYTES bounds a GraphQL request body; larger ones are refused with 413. */
export const MAX_REQUEST_BYTES = 100_000;

/** VISITOR_ROLE is the database role every GraphQL request runs as; RLS does the rest. */
export const VISITOR_ROLE = 'schoolbell_visitor';

/** QUERY_CANCELED is Postgres's SQLSTATE for a statement stopped by statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * makeMaskError returns the error mask: it shows the client what it can act on (our domain
 * errors and bad input, with the SQLSTATE in extensions.code and, for an input field at fault,
 * extensions.field and extensions.problems; a statement stopped by
 * GRAPHQL_STATEMENT_TIMEOUT) and hides everything else behind PostGraphile's hashed message,
 * which is logged in full on the server. With introspection off it also strips graphql's
 * "Did you mean ...?" from the messages left.
 */
export function makeMaskError(config: Config): (error: GraphQLError) => GraphQLError {
  return (error) => {
    const original = error.originalError as
      | (Error & { code?: unknown; field?: unknown; problems?: unknown })
      | undefined;
    // An error about input fields (a schedule's) names the first in `field`, all in `problems`.
    const named =
      typeof original?.field === 'string'
        ? { field: original.field, problems: original.problems }
        : {};
    const shown = (message: string, code: string) =>
      new GraphQLError(message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: original,
        extensions: { code, ...named },
      });
    if (original && isClientError(original.code)) return shown(original.message, original.code);
    if (original?.code === QUERY_CANCELED) {
      return shown(
        `the query ran longer than GRAPHQL_STATEMENT_TIMEOUT (${config.statementTimeout.text}) and was cancelled`,
        QUERY_CANCELED,
      );
    }
    const masked = defaultMaskError(error);
    if (config.introspection || !SUGGESTS.test(masked.message)) return masked;
    return new GraphQLError(withoutSuggestion(masked.message), {
      nodes: masked.nodes,
      source: masked.source,
      positions: masked.positions,
      path: masked.path,
      originalError: masked.originalError,
      extensions: masked.extensions,
    });
  };
}

const SUGGESTS = /Did you mean/;

type RuruClientConfig = NonNullable<NonNullable<GraphileConfig.Preset['ruru']>['clientConfig']>;

const sam = SEED_USERS.find((user) => user.role === 'student') ?? SEED_USERS[0];

/**
 * WELCOME_OPERATION is what GraphiQL (Ruru, at /graphiql) opens with: an operation that works
 * as it stands, anonymous or signed in, and a comment saying where a token goes and how to get one.
 */
export const WELCOME_OPERATION = `# Welcome to schoolbell's GraphQL API. Press the run button (or Ctrl-Enter).
#
# Anonymous, currentUser is null. To sign in, get a token for a user, e.g. the seeded
# development user ${sam?.name} (seeded outside production, see the README):
#
#   npm run -s token -- --user ${sam?.id}
#
# and put it in the Headers tab below as
#
#   { "Authorization": "Bearer <token>" }
#
# Then ask again: you see yourself, and your bookings.
query Welcome {
  currentUser {
    id
    name
  }
}
`;

/**
 * graphqlPreset is the PostGraphile configuration: app_public only, auth from bearer tokens,
 * the cost limits; with a limiter, each operation is billed to its caller by its cost. Requests
 * run on `pool`, one transaction each (so it may be a transaction pooler); subscriptions
 * LISTEN through `subscriber`, whose connection must be a session of its own (without one,
 * PostGraphile's subscriber takes a connection of `pool`: fine for printing the schema).
 */
export function graphqlPreset(
  config: Config,
  pool: pg.Pool,
  limiter?: RequestLimiter,
  subscriber?: PgSubscriber,
): GraphileConfig.Preset {
  // The responses plugin verifies a request's token before anything runs (to answer a 401 with
  // its code); the context then reuses that verification of the same request.
  const verified = new WeakMap<object, Promise<Claims | undefined>>();
  const claimsOf = (header: string | undefined, request: object | undefined) => {
    const known = request && verified.get(request);
    if (known) return known;
    const claims = verifyAuthorization(header, config.jwtSecret, config.tokenMaxTtl);
    if (request) verified.set(request, claims);
    return claims;
  };
  return {
    extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset, ConventionsPreset],
    plugins: [
      MaskedColumnsPlugin,
      ActorNamePlugin,
      limitsPlugin(config),
      responsesPlugin(ENDPOINTS.graphql.path, claimsOf),
      schedulesPlugin(pool),
      upcomingPlugin(pool),
      subscriptionsPlugin(pool, VISITOR_ROLE),
      adminStreamsPlugin(pool, VISITOR_ROLE),
    ],
    disablePlugins: ['NodePlugin'],
    pgServices: [
      makePgService({ pool, schemas: ['app_public'], pubsub: true, pgSubscriber: subscriber }),
    ],
    gather: { pgStrictFunctions: true },
    schema: {
      defaultBehavior: '-insert -update -delete',
      dontSwallowErrors: true,
    },
    grafserv: {
      graphqlPath: ENDPOINTS.graphql.path,
      // Queries over GET, as urql and CDN-cached clients send them; mutations stay POST-only.
      graphqlOverGET: true,
      graphiql: config.devConveniences,
      graphiqlOnGraphQLGET: config.devConveniences,
      graphiqlPath: ENDPOINTS.graphiql.path,
      watch: false,
      // Subscriptions (graphql-ws) are served by src/http/websockets.ts on grafserv's execution.
      websockets: true,
      maxRequestLength: MAX_REQUEST_BYTES,
      maskError: makeMaskError(config),
    },
    // Ruru types every client setting as required; the ones left out keep their defaults.
    ruru: { clientConfig: { defaultQuery: WELCOME_OPERATION } as RuruClientConfig },
    grafast: {
      async context(requestContext, args) {
        // Over WebSocket the token is in the connection's init payload, verified at connect.
        const ws = requestContext.ws;
        const header = ws
          ? ws.normalizedConnectionParams?.authorization
          : requestContext.http?.getHeader('authorization');
        const claims = await claimsOf(
          typeof header === 'string' ? header : undefined,
          ws ? ws.socket : requestContext.node?.req,
        );
        const pgSettings: Record<string, string | undefined> = {
          ...args.contextValue.pgSettings,
          role: VISITOR_ROLE,
          // Every statement of the request's transaction, whoever asks.
          statement_timeout: String(Math.ceil(config.statementTimeout.ms)),
        };
        const cost = operationCost(args.document);
        const req = requestContext.node?.req;
        if (limiter && req && cost !== undefined) await limiter.charge(req, claims, cost);
        if (claims) {
          pgSettings['jwt.claims.sub'] = claims.sub;
          pgSettings['jwt.claims.role'] = claims.role;
          pgSettings['jwt.claims.exp'] = String(claims.exp);
        }
        return { pgSettings };
      },
    },
  };
}

/**
 * printGraphqlSchema builds the schema from the database behind `pool` and prints it as sorted
 * SDL: what schema.graphql holds, so that every API change shows up as a reviewed diff.
 */
export async function printGraphqlSchema(config: Config, pool: pg.Pool): Promise<string> {
  const { schema, resolvedPreset } = await makeSchema(graphqlPreset(config, pool));
  for (const service of resolvedPreset.pgServices ?? []) await service.release?.();
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
