import type { PgSelectSingleStep } from 'postgraphile/@dataplan/pg';
import { TYPES } from 'postgraphile/@dataplan/pg';
import { sql } from 'postgraphile/pg-sql2';
import { extendSchema, gql } from 'postgraphile/utils';

/**
 * ActorNamePlugin adds `BookingEvent.actorName`: who made a booking change, as a person reads it
 * (a user's name rather than `user:<uuid>`). The name comes from
 * app_hidden.booking_event_actor_name (sql/0003_bookings.sql), called with the event's id:
 * the request role may not read the whole row (its `actor` column is masked), so a computed
 * column function of the row could not be called.
 */
export const ActorNamePlugin = extendSchema({
  typeDefs: gql`
    extend type BookingEvent {
      """
      Who made the change, by name: a user's name, \`an admin\` (unless you are one), \`the <task> job\`, \`the <task> sweep\` or \`database user <name>\`.
      """
      actorName: String!
    }
  `,
  objects: {
    BookingEvent: {
      plans: {
        actorName($event: PgSelectSingleStep) {
          return $event.select(
            sql`app_hidden.booking_event_actor_name(${$event.getClassStep().alias}.id)`,
            TYPES.text,
            true,
          );
        },
      },
    },
  },
});
