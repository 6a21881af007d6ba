import type pg from 'pg';
import { type JSONParseStep, jsonParse } from 'postgraphile/@dataplan/json';
import type { PgResource } from 'postgraphile/@dataplan/pg';
import {
  constant,
  context,
  type FieldArgs,
  type GrafastSubscriber,
  lambda,
  listen,
  type Step,
} from 'postgraphile/grafast';
import { extendSchema, gql } from 'postgraphile/utils';
import { type SubscriptionName, subscriptionRowVisible, subscriptionTopic } from '../db/queries.ts';

type Settings = Record<string, string | undefined>;

/** Announcement is what the notify triggers send: ids only (a booking event's with its booking's). */
interface Announcement {
  readonly id: string;
  readonly bookingId?: string;
}

/**
 * subscriptionsPlugin is `bookingEvents(bookingId)` and `myNotifications` (README,
 * Subscriptions): each new booking event, or each change of state of one's notifications, that
 * the subscriber may see, as it is written, on every replica. The database announces a row's id
 * on its people's topics (sql/0012_subscriptions.sql); this listens on the caller's topic, which
 * the database names from the user as they are now, and for every announcement checks again, on
 * a connection of its own as the caller under row-level security and with the token's expiry,
 * before the row is read (under RLS once more) and sent.
 */
export function subscriptionsPlugin(pool: pg.Pool, visitorRole: string): GraphileConfig.Plugin {
  return extendSchema((build) => {
    const { booking_events: events, notifications } = build.input.pgRegistry.pgResources;
    if (!events || !notifications) throw new Error('booking_events and notifications are needed');
    /** stream is the field's plans: listen as the caller, read each announced row under RLS. */
    const stream = (name: SubscriptionName, resource: PgResource, filter?: string) => ({
      subscribePlan(_$root: Step, fieldArgs: FieldArgs) {
        const $subscriber = lambda(
          [
            context().get('pgSubscriber') as Step<GrafastSubscriber | null>,
            context().get('pgSettings') as Step<Settings>,
            (filter ? fieldArgs.getRaw(filter) : constant(null)) as Step<unknown>,
          ],
          ([subscriber, settings, only]) =>
            subscriber &&
            visibleRows(
              { pool, visitorRole, name, source: subscriber, settings },
              filter && typeof only === 'string' ? only : undefined,
            ),
          true,
        );
        return listen($subscriber, name, jsonParse);
      },
      plan($announcement: Step) {
        return resource.get({ id: ($announcement as JSONParseStep<{ id: string }>).get('id') });
      },
    });
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

          """
          Each of your notifications when it is scheduled and whenever its state changes (sent, failed, cancelled), as it is then. Over WebSocket (graphql-ws), as bookingEvents.
          """
          myNotifications: Notification!
        }
      `,
      objects: {
        Subscription: {
          plans: {
            bookingEvents: stream('bookingEvents', events, 'bookingId'),
            myNotifications: stream('myNotifications', notifications),
          },
        },
      },
    };
  });
}

interface Source {
  readonly pool: pg.Pool;
  readonly visitorRole: string;
  readonly name: SubscriptionName;
  readonly source: GrafastSubscriber;
  readonly settings: Settings;
}

/**
 * visibleRows is a subscriber whose stream is the caller's announcements of a stream, only those
 * of `bookingId` when given, each only if the caller may see its row now; it ends once the
 * token has expired.
 */
function visibleRows(
  { pool, visitorRole, name, source, settings }: Source,
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
      const topic = await ask((client) => subscriptionTopic(client, visitorRole, sub, role, name));
      if (!topic) throw new Error('a subscription needs a signed-in caller');
      const announcements = (await source.subscribe(topic)) as AsyncIterableIterator<string>;
      const stream: AsyncIterableIterator<string> = {
        [Symbol.asyncIterator]: () => stream,
        async next() {
          for (;;) {
            const next = await announcements.next();
            if (next.done) return next;
            if (!(Date.now() < expiresAt)) {
              return stream.return?.() ?? { done: true, value: undefined };
            }
            const announcement = JSON.parse(next.value) as Announcement;
            if (bookingId && announcement.bookingId !== bookingId) continue;
            const visible = await ask((client) =>
              subscriptionRowVisible(client, visitorRole, sub, role, name, String(announcement.id)),
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
