import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { verifyAuthorization } from './auth.ts';
import type { RateLimit } from './config.ts';

/** Refusal is why a request was turned away and when its caller may try again. */
export interface Refusal {
  readonly retryAfterSeconds: number;
  readonly message: string;
}

/** RequestLimiter admits or refuses GraphQL requests, per caller. */
export interface RequestLimiter {
  /** admit counts the request against its caller and returns a Refusal when over the limit. */
  admit(req: IncomingMessage): Promise<Refusal | undefined>;
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
): RequestLimiter | undefined {
  if (!limit) return undefined;
  const limiter = new RateLimiterMemory({ points: limit.requests, duration: limit.seconds });
  return {
    async admit(req) {
      const key = await callerOf(req, jwtSecret);
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
 * callerOf names who is asking: `user:<sub>` for a valid token, else `address:<ip>`. A bad
 * token counts against its address (the API answers it with 401 afterwards). The address is
 * the connection's, not X-Forwarded-For, which any caller can write: behind a proxy, every
 * anonymous caller shares the proxy's budget.
 */
async function callerOf(req: IncomingMessage, jwtSecret: string): Promise<string> {
  const claims = await verifyAuthorization(req.headers.authorization, jwtSecret).catch(
    () => undefined,
  );
  return claims ? `user:${claims.sub}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
}
