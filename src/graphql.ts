import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import type pg from 'pg';
import { makeSchema } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { defaultMaskError } from 'postgraphile/grafserv';
import { GraphQLError, lexicographicSortSchema, printSchema } from 'postgraphile/graphql';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { ActorNamePlugin } from './actor-name.ts';
import { verifyAuthorization } from './auth.ts';
import type { Config } from './config.ts';
import { isClientError } from './errors.ts';
import { limitsPlugin, operationCost, withoutSuggestion } from './limits.ts';
import { MaskedColumnsPlugin } from './masked-columns.ts';
import type { RequestLimiter } from './ratelimit.ts';

/** MAX_REQUEST_BYTES bounds a GraphQL request body; larger ones are refused with 413. */
export const MAX_REQUEST_BYTES = 100_000;

/** VISITOR_ROLE is the database role every GraphQL request runs as; RLS does the rest. */
export const VISITOR_ROLE = 'schoolbell_visitor';

/**
 * NamingPlugin keeps a table's `id` column as `id` (PostGraphile would rename it `rowId` to
 * make room for the global Node id, which we do not expose: our ids are UUIDs already).
 */
const NamingPlugin: GraphileConfig.Plugin = {
  name: 'SchoolbellNamingPlugin',
  version: '1.0.0',
  inflection: {
    replace: {
      _attributeName(_previous, _options, details) {
        const attribute = details.codec.attributes[details.attributeName];
        const name = attribute?.extensions?.tags?.name;
        return this.coerceToGraphQLName(typeof name === 'string' ? name : details.attributeName);
      },
    },
  },
};

/** QUERY_CANCELED is Postgres's SQLSTATE for a statement stopped by statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * makeMaskError returns the error mask: it shows the client what it can act on (our domain
 * errors and bad input, with the SQLSTATE in extensions.code; a statement stopped by
 * GRAPHQL_STATEMENT_TIMEOUT) and hides everything else behind PostGraphile's hashed message,
 * which is logged in full on the server. With introspection off it also strips graphql's
 * "Did you mean ...?" from the messages left.
 */
export function makeMaskError(config: Config): (error: GraphQLError) => GraphQLError {
  return (error) => {
    const original = error.originalError as (Error & { code?: unknown }) | undefined;
    const shown = (message: string, code: string) =>
      new GraphQLError(message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: original,
        extensions: { code },
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

/**
 * graphqlPreset is the PostGraphile configuration: app_public only, auth from bearer tokens,
 * the cost limits; with a limiter, each operation is billed to its caller by its cost.
 */
export function graphqlPreset(
  config: Config,
  pool: pg.Pool,
  limiter?: RequestLimiter,
): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
    plugins: [NamingPlugin, MaskedColumnsPlugin, ActorNamePlugin, limitsPlugin(config)],
    disablePlugins: ['NodePlugin'],
    pgServices: [makePgService({ pool, schemas: ['app_public'], pubsub: false })],
    gather: { pgStrictFunctions: true },
    schema: {
      defaultBehavior: '-insert -update -delete',
      dontSwallowErrors: true,
    },
    grafserv: {
      graphqlPath: '/graphql',
      graphiql: config.devConveniences,
      graphiqlOnGraphQLGET: config.devConveniences,
      graphiqlPath: '/graphiql',
      watch: false,
      websockets: false,
      maxRequestLength: MAX_REQUEST_BYTES,
      maskError: makeMaskError(config),
    },
    grafast: {
      async context(requestContext, args) {
        const claims = await verifyAuthorization(
          requestContext.http?.getHeader('authorization'),
          config.jwtSecret,
          config.tokenMaxTtl,
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
