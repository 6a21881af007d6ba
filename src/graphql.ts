import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import type pg from 'pg';
import { makeSchema } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { defaultMaskError } from 'postgraphile/grafserv';
import { GraphQLError, lexicographicSortSchema, printSchema } from 'postgraphile/graphql';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { verifyAuthorization } from './auth.ts';
import type { Config } from './config.ts';
import { isClientError } from './errors.ts';
import { MaskedColumnsPlugin } from './masked-columns.ts';

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

/**
 * maskError shows the client what it can act on (our domain errors and bad input, with the
 * SQLSTATE in extensions.code) and hides everything else behind PostGraphile's hashed message,
 * which is logged in full on the server.
 */
export function maskError(error: GraphQLError): GraphQLError {
  const original = error.originalError as (Error & { code?: unknown }) | undefined;
  if (original && isClientError(original.code)) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: original,
      extensions: { code: original.code },
    });
  }
  return defaultMaskError(error);
}

/** graphqlPreset is the PostGraphile configuration: app_public only, auth from bearer tokens. */
export function graphqlPreset(config: Config, pool: pg.Pool): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
    plugins: [NamingPlugin, MaskedColumnsPlugin],
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
      maskError,
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
        };
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
