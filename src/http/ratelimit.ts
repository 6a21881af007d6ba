import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimit } from '../config.ts';
import type { Duration } from '../duration.ts';
import { type Claims, verifyAuthorization } from './auth.ts';

/** Refusal is why a request was turned away and when its caller may try again. */
export interface Refusal {
  readonly retryAfterSeconds: number;
  readonly message: string;
}

/**
 * COST_PER_REQUEST is how much operation cost (see src/http/limits.ts) one request's worth of the
 * budget buys: an operation costing 50,000 counts as 50 requests.
 */
export const COST_PER_REQUEST = 1000;

/** RequestLimiter admits or refuses GraphQL requests, per caller. */
export interface RequestLimiter {
  /** admit counts the request against its caller and returns a Refusal when over the limit. */
  admit(req: IncomingMessage): Promise<Refusal | undefined>;
  /**
   * charge bills an admitted request for its operation's cost beyond the one request admit
   * counted, so that a caller sending expensive operations runs out of budget sooner.
   */
  charge(req: IncomingMessage, claims: Claims | undefined, cost: number): Promise<void>;
}

/**
 * createRequestLimiter counts requests per caller in this process's memory
 * (rate-limiter-flexible's fixed window): the signed-in user (the verified token's sub), else
 * the remote address of the connection. Each replica counts on its own, so N replicas let a
 * caller through N times over. Returns undefined when the limit is off.
 */
export function createRequestLimiter(
  limit: RateLimit | null,
  jwtSecret: string,
  tokenMaxTtl: Duration,
): RequestLimiter | undefined {
  if (!limit) return undefined;
  const limiter = new RateLimiterMemory({ points: limit.requests, duration: limit.seconds });
  return {
    async charge(req, claims, cost) {
      const extra = Math.ceil(cost / COST_PER_REQUEST) - 1;
      if (extra > 0) await limiter.penalty(callerKey(req, claims), extra);
    },
    async admit(req) {
      const claims = await verifyAuthorization(
        req.headers.authorization,
        jwtSecret,
        tokenMaxTtl,
      ).catch(() => undefined);
      const key = callerKey(req, claims);
      try {
        await limiter.consume(key);
        return undefined;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        return {
          retryAfterSeconds,
          message: `too many requests: GRAPHQL_RATE_LIMIT allows ${limit.text} per caller; try again in ${retryAfterSeconds} s`,
        };
      }
    },
  };
}

/**
 * callerKey names who is asking: `user:<sub>` for a valid token, else `address:<ip>`. A bad
 * token counts against its address (the API answers it with 401 afterwards). The address is
 * the connection's, not X-Forwarded-For, which any caller can write: behind a proxy, every
 * anonymous caller shares the proxy's budget.
 */
function callerKey(req: IncomingMessage, claims: Claims | undefined): string {
  return claims ? `user:${claims.sub}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
}
