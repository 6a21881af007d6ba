/**
 * DOMAIN_ERRORS are the SQLSTATE codes our SQL raises on purpose (listed at the top of
 * sql/0001_schemas.sql). Their messages are written for the client, so the API passes
 * them through in every mode.
 */
export const DOMAIN_ERRORS = {
  LOGIN: 'not signed in',
  TOKEN: 'the token names no user, or a role that is not the user’s',
  DENYD: 'signed in, but not allowed to do this',
  NTFND: 'no such row, or not one you may see',
  BADIN: 'a bad argument',
  ILLTR: 'an illegal state transition (a booking’s, or running a paused schedule now)',
  OVLAP: 'the tutor already has a session at that time',
  DUPRQ: 'the student already has an open request with that tutor at an overlapping time',
} as const;

/** DomainErrorCode is one of the codes in DOMAIN_ERRORS. */
export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

/**
 * isClientError says whether a Postgres error is about the caller's input, so its message can
 * be shown: our domain codes, and Postgres's data exceptions (class 22: bad dates, NUL bytes)
 * and integrity violations (class 23). Everything else is an internal error.
 */
export function isClientError(code: unknown): code is string {
  return typeof code === 'string' && (code in DOMAIN_ERRORS || /^2[23]/.test(code));
}

/**
 * LIMIT_ERRORS are the codes of requests refused for what they would cost, not for what they
 * ask (see src/http/limits.ts and src/http/ratelimit.ts). They are given before any SQL runs, in every
 * mode, with a message naming the limit and the setting that raises it.
 */
export const LIMIT_ERRORS = {
  DEPTH: 'the operation nests fields deeper than GRAPHQL_MAX_DEPTH',
  ALIAS: 'the operation uses more aliases than GRAPHQL_MAX_ALIASES',
  ROOTS: 'the operation asks for more root fields than GRAPHQL_MAX_ROOT_FIELDS',
  COSTS: 'the operation may resolve more fields than GRAPHQL_MAX_COST',
  PAGES: 'first or last above GRAPHQL_MAX_PAGE_SIZE, offset above GRAPHQL_MAX_OFFSET, or negative',
  INTRO: 'introspection is off (GRAPHQL_INTROSPECTION)',
  RATED: 'too many requests from this caller (GRAPHQL_RATE_LIMIT): HTTP 429 with Retry-After',
  BUSY: 'an expensive operation waited GRAPHQL_STATEMENT_TIMEOUT for its turn and was not run',
} as const;

/** LimitErrorCode is one of the codes in LIMIT_ERRORS. */
export type LimitErrorCode = keyof typeof LIMIT_ERRORS;

/**
 * REQUEST_ERRORS are the codes of requests refused before or around GraphQL execution: the
 * HTTP-level refusals (each with its status) and the document that is not a valid operation.
 * Every error response of /graphql carries one of these, a LIMIT_ERRORS code or a
 * DOMAIN_ERRORS code in `extensions.code`, so that a client branches on the code, not the text.
 */
export const REQUEST_ERRORS = {
  AUTHH: '401: the Authorization header is not "Bearer <token>"',
  TOKMF: '401: the token is not a JWT signed with HS256',
  TOKSG: '401: the token signature is invalid (signed with another secret, or forged)',
  TOKEX: '401: the token has expired: get a new one',
  TOKCL:
    '401: the token claims are invalid: missing or bad sub/role/iat/exp, issued in the future, or valid for longer than TOKEN_MAX_TTL',
  BADJS: '400: the request body is not valid JSON',
  BADRQ:
    '400: the request is not a GraphQL request (query must be a string, variables an object, ...)',
  SYNTX: 'the query is not valid GraphQL syntax',
  VALID:
    'the operation does not validate against the schema (including subscriptions and unknown operation types, which are not served)',
  METHD: '405: the method is not allowed: queries over GET or POST, mutations over POST only',
  ACCPT:
    '406: the Accept header allows neither application/json nor application/graphql-response+json',
  LARGE: '413: the request body is larger than the server accepts',
  MEDIA: '415: the Content-Type is neither application/json nor application/graphql',
  INTRN: '500: an internal error; its details are in the server log under the errorId given',
} as const;

/** RequestErrorCode is one of the codes in REQUEST_ERRORS. */
export type RequestErrorCode = keyof typeof REQUEST_ERRORS;
