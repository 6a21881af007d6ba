import type pg from 'pg';
import { type JSONParseStep, jsonParse } from 'postgraphile/@dataplan/json';
import { context, type GrafastSubscriber, lambda, listen, type Step } from 'postgraphile/grafast';
import { extendSchema, gql } from 'postgraphile/utils';
import { bookingEventsTopic, bookingEventVisible } from '../db/queries.ts';

type Settings = Record<string, string | undefined>;

/** Announcement is what app_private.tg_booking_events__notify() sends: ids only. */
interface Announcement {
  readonly id: string;
  readonly bookingId: string;
}

/**
 * subscriptionsPlugin is `bookingEvents(bookingId)` (README, Subscriptions): each new booking
 * event the subscriber may see, as it is written, on every replica. The database announces an
 * event's id on its people's topics (sql/0012_subscriptions.sql); this listens on the caller's
 * topic, which the database names from the user's role as it is now, and for every
 * announcement checks again, on a connection of its own as the caller under row-level security
 * and with the token's expiry, before the event's row is read (under RLS once more) and sent.
 */
export function subscriptionsPlugin(pool: pg.Pool, visitorRole: string): GraphileConfig.Plugin {
  return extendSchema((build) => {
    const events = build.input.pgRegistry.pgResources.booking_events;
    if (!events) throw new Error('booking_events is not in the schema');
    return {
      typeDefs: gql`
        extend type Subscription {
          """
          Each new event of your bookings (all of them for an admin), or of one booking, as it is written. Over WebSocket (graphql-ws) with the token in the connection's init payload; ends when the token expires.
          """
          bookingEvents(
            "Only this booking's events."
            bookingId: UUID
          ): BookingEvent!
        }
      `,
      objects: {
        Subscription: {
          plans: {
            bookingEvents: {
              subscribePlan(_$root, fieldArgs) {
                const $subscriber = lambda(
                  [
                    context().get('pgSubscriber') as Step<GrafastSubscriber | null>,
                    context().get('pgSettings') as Step<Settings>,
                    fieldArgs.getRaw('bookingId') as Step<string | null | undefined>,
                  ],
                  ([subscriber, settings, bookingId]) =>
                    subscriber &&
                    visibleEvents(pool, visitorRole, subscriber, settings, bookingId ?? undefined),
                  true,
                );
                return listen($subscriber, 'bookingEvents', jsonParse);
              },
              plan($announcement) {
                return events.get({
                  id: ($announcement as JSONParseStep<{ id: number }>).get('id'),
                });
              },
            },
          },
        },
      },
    };
  });
}

/**
 * visibleEvents is a subscriber whose stream is the caller's announcements, only those of
 * `bookingId` when given, each only if the caller may see its event now; it ends once the
 * token has expired.
 */
function visibleEvents(
  pool: pg.Pool,
  visitorRole: string,
  source: GrafastSubscriber,
  settings: Settings,
  bookingId: string | undefined,
): GrafastSubscriber {
  const sub = settings['jwt.claims.sub'];
  const role = settings['jwt.claims.role'];
  const expiresAt = Number(settings['jwt.claims.exp']) * 1000;
  const ask = async <T>(query: (client: pg.PoolClient) => Promise<T>) => {
    const client = await pool.connect();
    try {
      return await query(client);
    } finally {
      client.release();
    }
  };
  return {
    async subscribe() {
      if (!sub || !role) throw new Error('a subscription needs a signed-in caller');
      const topic = await ask((client) => bookingEventsTopic(client, visitorRole, sub, role));
      if (!topic) throw new Error('a subscription needs a signed-in caller');
      const announcements = (await source.subscribe(topic)) as AsyncIterableIterator<string>;
      const stream: AsyncIterableIterator<string> = {
        [Symbol.asyncIterator]: () => stream,
        async next() {
          for (;;) {
            const next = await announcements.next();
            if (next.done) return next;
            if (!(Date.now() < expiresAt))
              return stream.return?.() ?? { done: true, value: undefined };
            const announcement = JSON.parse(next.value) as Announcement;
            if (bookingId && announcement.bookingId !== bookingId) continue;
            const visible = await ask((client) =>
              bookingEventVisible(client, visitorRole, sub, role, String(announcement.id)),
            );
            if (visible) return next;
          }
        },
        async return() {
          await announcements.return?.();
          return { done: true, value: undefined };
        },
      };
      return stream;
    },
  } as GrafastSubscriber;
}
