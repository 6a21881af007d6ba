import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { USER_ROLES } from '../db/db.ts';
import type { RequestErrorCode } from '../db/errors.ts';
import type { Duration } from '../duration.ts';

/** Claims are what a schoolbell token asserts: who (sub) and as what (role). */
export type Claims = z.output<typeof claimsSchema>;

const claimsSchema = z.object({
  sub: z.uuid({ error: 'sub must be a user id (a UUID)' }),
  role: z.enum(USER_ROLES, { error: `role must be one of ${USER_ROLES.join(', ')}` }),
  iat: z.number({ error: 'iat must be a number' }),
  exp: z.number({ error: 'exp must be a number' }),
});

/**
 * AuthError is a token problem the client must fix; it becomes an HTTP 401 whose
 * extensions.code says which problem (see ERROR_CODES in src/db/errors.ts).
 */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly statusCode = 401;
  readonly code: RequestErrorCode;
  constructor(message: string, code: RequestErrorCode) {
    super(message);
    this.code = code;
  }
}

const key = (secret: string) => new TextEncoder().encode(secret);

/** CLOCK_SKEW_SECONDS is how far ahead of ours the issuer's clock may be. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * verifyAuthorization reads an `Authorization: Bearer <JWT>` header value and returns its
 * claims, or undefined when there is no header (an anonymous caller). A token that is
 * malformed, forged (bad HS256 signature), expired, or missing a claim throws an AuthError
 * saying which; so does one issued in the future, or valid for longer than `maxTtl`
 * (TOKEN_MAX_TTL): there is no revoking a token, so none may outlive that.
 */
export async function verifyAuthorization(
  header: string | undefined,
  secret: string,
  maxTtl: Duration,
): Promise<Claims | undefined> {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AuthError('the Authorization header must be "Bearer <token>"', 'AUTHH');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(match[1] as string, key(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'iat', 'exp'],
    }));
  } catch (error) {
    throw describeJoseError(error);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    throw new AuthError(
      `token claims are invalid: ${claims.error.issues.map((issue) => issue.message).join('; ')}`,
      'TOKCL',
    );
  }
  const { iat, exp } = claims.data;
  if (iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
    throw new AuthError('token is issued in the future (its iat is after now)', 'TOKCL');
  }
  if (exp - iat > maxTtl.ms / 1000) {
    throw new AuthError(
      `token is valid for too long: exp - iat must be at most ${maxTtl.text}`,
      'TOKCL',
    );
  }
  return claims.data;
}

function describeJoseError(error: unknown): AuthError {
  if (error instanceof errors.JWTExpired) return new AuthError('token has expired', 'TOKEX');
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('token signature is invalid', 'TOKSG');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthError('token must be signed with HS256', 'TOKMF');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthError(`token is invalid: ${error.message}`, 'TOKCL');
  }
  return new AuthError('token is malformed: expected a JWT signed with HS256', 'TOKMF');
}

/** signToken makes a token for a user, valid for `ttlSeconds` (used by `schoolbell token`). */
export async function signToken(
  user: { id: string; role: Claims['role'] },
  secret: string,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}
