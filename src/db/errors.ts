/**
 * ERROR_CODES is the one list of the codes a client finds in a GraphQL error's
 * `extensions.code`, so that it branches on the code, not the text. The README's Errors tables
 * list exactly these (test/registries.test.ts checks, and that our SQL raises only domain codes).
 *
 * - `domain`: SQLSTATE codes our SQL raises on purpose. Their messages are written for the
 *   client, so the API passes them through in every mode.
 * - `limit`: requests refused for what they would cost, not for what they ask (src/http/limits.ts,
 *   src/http/ratelimit.ts), before any SQL runs, in every mode, with a message naming the limit
 *   and the setting that raises it.
 * - `request`: requests refused before or around GraphQL execution: the HTTP-level refusals
 *   (each with its status) and the document that is not a valid operation.
 */
const domain = (meaning: string) => ({ kind: 'domain', meaning }) as const;
const limit = (meaning: string) => ({ kind: 'limit', meaning }) as const;
const request = <Status extends number>(status: Status, meaning: string) =>
  ({ kind: 'request', status, meaning }) as const;

export const ERROR_CODES = {
  LOGIN: domain('not signed in'),
  TOKEN: domain('the token names no user, or a role that is not the user’s'),
  DENYD: domain('signed in, but not allowed to do this'),
  NTFND: domain('no such row, or not one you may see'),
  BADIN: domain('a bad argument'),
  ILLTR: domain('an illegal state transition (a booking’s, or running a paused schedule now)'),
  OVLAP: domain('the tutor already has a session at that time'),
  DUPRQ: domain('the student already has an open request with that tutor at an overlapping time'),
  DEPTH: limit('the operation nests fields deeper than GRAPHQL_MAX_DEPTH'),
  ALIAS: limit('the operation uses more aliases than GRAPHQL_MAX_ALIASES'),
  ROOTS: limit('the operation asks for more root fields than GRAPHQL_MAX_ROOT_FIELDS'),
  COSTS: limit('the operation may resolve more fields than GRAPHQL_MAX_COST'),
  PAGES: limit(
    'first or last above GRAPHQL_MAX_PAGE_SIZE, offset above GRAPHQL_MAX_OFFSET, or negative',
  ),
  INTRO: limit('introspection is off (GRAPHQL_INTROSPECTION)'),
  RATED: limit(
    'too many requests from this caller (GRAPHQL_RATE_LIMIT): HTTP 429 with Retry-After',
  ),
  BUSY: limit(
    'an expensive operation waited GRAPHQL_STATEMENT_TIMEOUT for its turn and was not run',
  ),
  SUBSC: limit(
    'the caller has GRAPHQL_MAX_SUBSCRIPTIONS operations open over WebSocket to this server',
  ),
  AUTHH: request(401, 'the Authorization header is not "Bearer <token>"'),
  TOKMF: request(401, 'the token is not a JWT signed with HS256'),
  TOKSG: request(401, 'the token signature is invalid (signed with another secret, or forged)'),
  TOKEX: request(401, 'the token has expired: get a new one'),
  TOKCL: request(
    401,
    'the token claims are invalid: missing or bad sub/role/iat/exp, issued in the future, or valid for longer than TOKEN_MAX_TTL',
  ),
  BADJS: request(400, 'the request body is not valid JSON'),
  BADRQ: request(
    400,
    'the request is not a GraphQL request (query must be a string, variables an object, ...)',
  ),
  SYNTX: request(200, 'the query is not valid GraphQL syntax'),
  VALID: request(
    200,
    'the operation does not validate against the schema (including subscriptions and unknown operation types, which are not served)',
  ),
  METHD: request(
    405,
    'the method is not allowed: queries over GET or POST, mutations over POST only',
  ),
  ACCPT: request(
    406,
    'the Accept header allows neither application/json nor application/graphql-response+json',
  ),
  LARGE: request(413, 'the request body is larger than the server accepts'),
  MEDIA: request(415, 'the Content-Type is neither application/json nor application/graphql'),
  INTRN: request(
    500,
    'an internal error; its details are in the server log under the errorId given',
  ),
};

/** ErrorCode is one of the codes in ERROR_CODES. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** ErrorKind is what refused a request: our SQL (domain), a limit, or the HTTP layer (request). */
export type ErrorKind = (typeof ERROR_CODES)[ErrorCode]['kind'];

type CodesOf<Kind extends ErrorKind> = {
  [Code in ErrorCode]: (typeof ERROR_CODES)[Code]['kind'] extends Kind ? Code : never;
}[ErrorCode];

/** DomainErrorCode is a code our SQL raises on purpose. */
export type DomainErrorCode = CodesOf<'domain'>;
/** LimitErrorCode is a code of a request refused for what it would cost. */
export type LimitErrorCode = CodesOf<'limit'>;
/** RequestErrorCode is a code of a request refused before or around GraphQL execution. */
export type RequestErrorCode = CodesOf<'request'>;

/** errorCodes lists the codes of one kind, in ERROR_CODES's order. */
export function errorCodes<Kind extends ErrorKind>(kind: Kind): CodesOf<Kind>[] {
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter(
    (code): code is CodesOf<Kind> => ERROR_CODES[code].kind === kind,
  );
}

const DOMAIN_CODES: ReadonlySet<string> = new Set(errorCodes('domain'));

/**
 * isClientError says whether a Postgres error is about the caller's input, so its message can
 * be shown: our domain codes, and Postgres's data exceptions (class 22: bad dates, NUL bytes)
 * and integrity violations (class 23). Everything else is an internal error.
 */
export function isClientError(code: unknown): code is string {
  return typeof code === 'string' && (DOMAIN_CODES.has(code) || /^2[23]/.test(code));
}
