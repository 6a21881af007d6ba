import type pg from 'pg';
import { jsonParse } from 'postgraphile/@dataplan/json';
import type { PgResource } from 'postgraphile/@dataplan/pg';
import type { Step } from 'postgraphile/grafast';
import { extendSchema, gql } from 'postgraphile/utils';
import { type SubscriptionName, subscriptionRowVisible, subscriptionTopic } from '../db/queries.ts';
import { announcements, iterator, type Stream, streamPlan, withClient } from './streams.ts';

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
      subscribePlan: streamPlan(visitorRole, filter ? [filter] : [], (caller, [only]) =>
        visibleRows(pool, name, caller, typeof only === 'string' ? only : undefined),
      ),
      plan($announcement: Step) {
        return resource.get({
          id: jsonParse<{ id: string }>($announcement as Step<string>).get('id'),
        });
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

/**
 * visibleRows is the caller's announcements of a stream, only those of `bookingId` when given,
 * each only if the caller may see its row now; it ends once the token has expired.
 */
async function visibleRows(
  pool: pg.Pool,
  name: SubscriptionName,
  stream: Stream,
  bookingId: string | undefined,
): Promise<AsyncIterableIterator<string>> {
  const { caller } = stream;
  const topic = await withClient(pool, (client) => subscriptionTopic(client, caller, name));
  if (!topic) throw new Error('a subscription needs a signed-in caller');
  const heard = await announcements(stream, topic);
  return iterator(async () => {
    for (;;) {
      const next = await heard.next();
      if (next === undefined) return undefined;
      const announcement = JSON.parse(next) as Announcement;
      if (bookingId && announcement.bookingId !== bookingId) continue;
      const id = String(announcement.id);
      if (await withClient(pool, (client) => subscriptionRowVisible(client, caller, name, id)))
        return next;
    }
  }, heard.stop);
}
