import type pg from 'pg';
import {
  context,
  type FieldArgs,
  type GrafastSubscriber,
  lambda,
  listen,
  type Step,
} from 'postgraphile/grafast';
import type { Caller } from '../db/queries.ts';

type Settings = Record<string, string | undefined>;

/** Stream is what a subscription field's stream is opened with. */
export interface Stream {
  /** source is the server's one LISTEN connection (grafserv's pgSubscriber). */
  readonly source: GrafastSubscriber;
  /** caller is who the stream reads as; expiresAt, when their token expires (ms). */
  readonly caller: Caller;
  readonly expiresAt: number;
}

/**
 * streamPlan is a subscription field's subscribePlan: on subscribe, `open` is called with the
 * caller (refused with an error when anonymous) and the field's arguments `argNames` as given,
 * and its iterator's values are the field's events. The field's own plan returns its event.
 */
export function streamPlan(
  visitorRole: string,
  argNames: readonly string[],
  open: (stream: Stream, args: readonly unknown[]) => Promise<AsyncIterableIterator<unknown>>,
) {
  return (_$root: Step, fieldArgs: FieldArgs) => {
    const $subscriber = lambda(
      [
        context().get('pgSubscriber') as Step<GrafastSubscriber | null>,
        context().get('pgSettings') as Step<Settings>,
        ...argNames.map((name) => fieldArgs.getRaw(name) as Step<unknown>),
      ],
      ([source, settings, ...args]) =>
        source &&
        ({
          subscribe: () => {
            const sub = settings['jwt.claims.sub'];
            const role = settings['jwt.claims.role'];
            if (!sub || !role) throw new Error('a subscription needs a signed-in caller');
            const expiresAt = Number(settings['jwt.claims.exp']) * 1000;
            return open({ source, caller: { sub, role, visitorRole }, expiresAt }, args);
          },
        } as unknown as GrafastSubscriber),
      true,
    );
    return listen($subscriber, 'stream');
  };
}

/** withClient runs `query` on a client of its own from `pool`. */
export async function withClient<T>(
  pool: pg.Pool,
  query: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await query(client);
  } finally {
    client.release();
  }
}

/**
 * announcements subscribes to `topic` and returns its next announcement while the token is
 * valid (undefined once the source ends or the token has expired), and a stop().
 */
export async function announcements(
  { source, expiresAt }: Stream,
  topic: string,
): Promise<{ next(): Promise<string | undefined>; stop(): Promise<void> }> {
  const heard = (await source.subscribe(topic)) as AsyncIterableIterator<string>;
  return {
    async next() {
      const next = await heard.next();
      return next.done || !(Date.now() < expiresAt) ? undefined : next.value;
    },
    async stop() {
      await heard.return?.();
    },
  };
}

/**
 * iterator makes an async iterator of `next` (undefined ends it, an error too, thrown on) and
 * `stop` (called once, however it ends).
 */
export function iterator<T>(
  next: () => Promise<T | undefined>,
  stopOnce: () => Promise<void>,
): AsyncIterableIterator<T> {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopOnce();
    return stopping;
  };
  const it: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => it,
    async next() {
      let value: T | undefined;
      try {
        value = await next();
      } catch (error) {
        await stop();
        throw error;
      }
      if (value !== undefined) return { done: false, value };
      await stop();
      return { done: true, value: undefined };
    },
    async return() {
      await stop();
      return { done: true, value: undefined };
    },
  };
  return it;
}
