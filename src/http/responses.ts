import { SafeError } from 'postgraphile/grafast';
import type { Result } from 'postgraphile/grafserv';
import {
  type DocumentNode,
  GraphQLError,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  type ValidationRule,
} from 'postgraphile/graphql';
import type { RequestErrorCode } from '../db/errors.ts';
import { noteGraphqlErrors } from '../metrics.ts';
import { AuthError } from './auth.ts';

/**
 * ANONYMOUS_MAX_AGE is how long, in seconds, a shared cache (a CDN) may keep the answer to an
 * anonymous query sent over GET. Short: bookings change, and anonymous callers see little.
 */
export const ANONYMOUS_MAX_AGE = 5;

/** VARY names the request headers a /graphql answer depends on, for caches. */
const VARY = 'Accept, Authorization';

/** STATUS_CODES names the refusal of each HTTP status grafserv answers without a code of ours. */
const STATUS_CODES: Record<number, RequestErrorCode> = {
  400: 'BADRQ',
  401: 'AUTHH',
  405: 'METHD',
  406: 'ACCPT',
  413: 'LARGE',
  415: 'MEDIA',
};

interface ErrorJson {
  message?: unknown;
  path?: unknown;
  extensions?: Record<string, unknown>;
}

/**
 * codeFor picks the code of an error that has none, from what grafserv tells about it: the
 * status it set (extensions.statusCode, or the response's), graphql's "Syntax Error" prefix,
 * an errorId (a masked internal error), a path (an unmasked execution error: BADIN, a bad
 * argument), or else a validation error.
 */
function codeFor(error: ErrorJson, status: number): RequestErrorCode | 'BADIN' {
  const message = typeof error.message === 'string' ? error.message : '';
  const declared = error.extensions?.statusCode;
  if (message.startsWith('Syntax Error')) return 'SYNTX';
  if (typeof declared === 'number') {
    if (declared === 400 && message.startsWith('Parsing failed')) return 'BADJS';
    return STATUS_CODES[declared] ?? 'INTRN';
  }
  if (status >= 500 || error.extensions?.errorId !== undefined) return 'INTRN';
  if (status !== 200 && status !== 400 && STATUS_CODES[status]) return STATUS_CODES[status];
  // Shown unmasked at run time, so written for the caller: grafast's own refusals of an
  // argument, such as an invalid cursor.
  if (error.path !== undefined) return 'BADIN';
  return 'VALID';
}

/** withCodes gives every error of a response body an extensions.code (keeping those it has). */
function withCodes(body: unknown, status: number): { body: unknown; errors: boolean } {
  if (typeof body !== 'object' || body === null || !('errors' in body)) {
    return { body, errors: false };
  }
  const errors = (body as { errors: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return { body, errors: false };
  for (const error of errors as ErrorJson[]) {
    if (typeof error !== 'object' || error === null) continue;
    const extensions = error.extensions ?? {};
    if (typeof extensions.code !== 'string') extensions.code = codeFor(error, status);
    error.extensions = extensions;
  }
  return { body, errors: true };
}

/**
 * cacheControl says who may keep a /graphql answer: a shared cache only an anonymous query's
 * successful answer over GET, briefly; a signed-in caller's answer nobody (private, no-store);
 * anything else (POST, errors) no cache at all.
 */
function cacheControl(method: string, authorized: boolean, status: number, errors: boolean) {
  if (authorized) return 'private, no-store';
  if (method === 'GET' && status === 200 && !errors) return `public, max-age=${ANONYMOUS_MAX_AGE}`;
  return 'no-store';
}

function jsonError(result: Extract<Result, { type: 'error' }>): unknown {
  const { error, statusCode } = result;
  const safe = error instanceof SafeError;
  const extensions: Record<string, unknown> = {
    ...(safe ? (error.extensions as Record<string, unknown> | undefined) : {}),
    statusCode,
  };
  const message = safe || statusCode < 500 ? error.message : 'internal error';
  return { errors: [{ message, extensions }] };
}

/**
 * finishResponse makes a /graphql response one a client can branch on and a cache can obey:
 * every error carries extensions.code (an error grafserv answers as plain text becomes JSON),
 * and Cache-Control and Vary say who may keep it.
 */
function finishResponse(
  result: Result,
  method: string,
  authorized: boolean,
): { result: Result; errors: boolean } {
  const headers: Record<string, string> = { ...result.headers };
  let body: unknown;
  if (result.type === 'error') body = jsonError(result);
  else if (result.type === 'json') body = result.json;
  else if (result.type === 'buffer' && /json/.test(headers['content-type'] ?? '')) {
    // Most answers are data without errors: nothing to add, so no need to parse them.
    if (result.statusCode === 200 && !result.buffer.includes('"errors"')) {
      headers['cache-control'] = cacheControl(method, authorized, 200, false);
      headers.vary = VARY;
      return { result: { ...result, headers }, errors: false };
    }
    try {
      body = JSON.parse(result.buffer.toString('utf8'));
    } catch {
      return { result, errors: false };
    }
  } else return { result, errors: false };
  const coded = withCodes(body, result.statusCode);
  headers['cache-control'] = cacheControl(method, authorized, result.statusCode, coded.errors);
  headers.vary = VARY;
  if (result.type === 'error') headers['content-type'] = 'application/json; charset=utf-8';
  const buffer = Buffer.from(JSON.stringify(coded.body), 'utf8');
  headers['content-length'] = String(buffer.length);
  return {
    result: { type: 'buffer', statusCode: result.statusCode, headers, buffer },
    errors: coded.errors,
  };
}

/**
 * OperationTypeRule refuses, as a validation error, an operation the schema has no root type
 * for: graphql would otherwise fail it at execution time with a masked error.
 */
export const OperationTypeRule: ValidationRule = (context) => ({
  OperationDefinition(node: OperationDefinitionNode) {
    const schema = context.getSchema();
    const served = {
      query: schema.getQueryType(),
      mutation: schema.getMutationType(),
      subscription: schema.getSubscriptionType(),
    }[node.operation];
    if (served) return;
    context.reportError(
      new GraphQLError(`this schema serves no ${node.operation} operations`, {
        nodes: node,
        extensions: { code: 'VALID' satisfies RequestErrorCode },
      }),
    );
  },
});

/**
 * refuseHttpSubscription throws, as a validation error (VALID), when an HTTP request's body
 * asks for a subscription: those are served over WebSocket only (src/http/websockets.ts).
 * Validation is cached per document for both transports, so this is not a validation rule.
 */
function refuseHttpSubscription(body: { query?: unknown; operationName?: unknown }): void {
  const { query, operationName } = body;
  if (typeof query !== 'string' || !query.includes('subscription')) return;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return; // answered as a syntax error by grafserv
  }
  const name = typeof operationName === 'string' ? operationName : undefined;
  if (getOperationAST(document, name)?.operation !== 'subscription') return;
  throw Object.assign(
    new SafeError(
      'subscriptions are served over WebSocket (the graphql-ws protocol) at this path, not over GET or POST',
      { code: 'VALID' satisfies RequestErrorCode },
    ),
    { statusCode: 400 },
  );
}

/** unauthorized is the 401 answer to a token problem, with its code (see src/http/auth.ts). */
function unauthorized(error: AuthError): Result {
  const buffer = Buffer.from(
    JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }),
    'utf8',
  );
  return {
    type: 'buffer',
    statusCode: 401,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(buffer.length),
      'cache-control': 'no-store',
      'www-authenticate': 'Bearer',
      vary: VARY,
    },
    buffer,
  };
}

/**
 * responsesPlugin is the grafserv plugin that makes /graphql answers uniform: a token problem
 * is answered 401 with its own code before anything runs (`verify` checks the Authorization
 * header, throwing an AuthError), every other error gets a code (see ERROR_CODES in src/db/errors.ts), the
 * OperationTypeRule refuses operations the schema has no root type for, subscriptions over HTTP
 * are refused (they are served over WebSocket), and cache headers say who may keep an answer.
 */
export function responsesPlugin(
  graphqlPath: string,
  verify: (header: string | undefined, request: object | undefined) => Promise<unknown>,
): GraphileConfig.Plugin {
  return {
    name: 'SchoolbellResponsesPlugin',
    version: '1.0.0',
    grafserv: {
      middleware: {
        setPreset(next, event) {
          event.validationRules.push(OperationTypeRule);
          return next();
        },
        processGraphQLRequestBody(next, event) {
          if (event.request) refuseHttpSubscription(event.body);
          return next();
        },
        async processRequest(next, event) {
          const request = event.requestDigest;
          if (request.path !== graphqlPath) return next();
          const authorization = Object.entries(request.headers).find(
            ([name]) => name.toLowerCase() === 'authorization',
          )?.[1];
          try {
            await verify(authorization, request.requestContext.node?.req);
          } catch (error) {
            if (error instanceof AuthError) {
              // As grafserv reports the errors it answers: src/log.ts makes this the one
              // "request refused (401)" line at info.
              console.error(error);
              return unauthorized(error);
            }
            throw error;
          }
          const result = await next();
          if (!result) return result;
          const finished = finishResponse(result, request.method, Boolean(authorization?.trim()));
          const res = request.requestContext.node?.res;
          if (res) noteGraphqlErrors(res, finished.errors);
          return finished.result;
        },
      },
    },
  };
}
