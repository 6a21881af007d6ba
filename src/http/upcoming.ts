import type pg from 'pg';
import { context, lambda, type Step } from 'postgraphile/grafast';
import { extendSchema, gql } from 'postgraphile/utils';
import { requireAdmin } from '../db/queries.ts';
import { UPCOMING_MAX_ITEMS, upcoming } from '../schedules/upcoming.ts';

type Claims = Record<string, string | undefined>;

/**
 * upcomingPlugin is the admins' `upcoming(from, until)` (README, The admin API): what is due
 * in a window of at most 7 days, in time order, from src/schedules/upcoming.ts, after
 * app_hidden.require_admin() has said who asks (LOGIN, TOKEN, DENYD), on a connection of its own.
 */
export function upcomingPlugin(pool: pg.Pool): GraphileConfig.Plugin {
  return extendSchema(() => ({
    typeDefs: gql`
      "What an upcoming item is."
      enum UpcomingKind {
        "A booking timer: expires requests, starts or ends the sessions due at one instant."
        BOOKING_TIMER
        "A reminder of a session to one of its people."
        REMINDER
        "A message an admin scheduled."
        NOTIFICATION
        "An occurrence of a runtime schedule."
        SCHEDULE
        "A tick of the crontab (a sweep or housekeeping), or its queued job."
        CRONTAB
        "Any other queued job."
        JOB
      }

      "Something due in the window of \`upcoming\`."
      type UpcomingItem {
        "When it is due."
        at: Datetime!
        "What it is."
        kind: UpcomingKind!
        "The task that will run."
        task: String!
        "What it will do, in words (e.g. start 120 sessions)."
        what: String!
        "How many bookings (a booking timer) or messages it covers; 1 for the rest."
        count: Int!
      }

      extend type Query {
        """
        Admins: what is due from \`from\` (included) to \`until\` (excluded, at most 7 days later), in time order, at most ${String(UPCOMING_MAX_ITEMS)} items: booking timers, reminders, notifications and queued jobs, runtime schedule occurrences and crontab ticks (UTC).
        """
        upcoming(
          "The start of the window."
          from: Datetime!
          "The end of the window: after from, at most 7 days later."
          until: Datetime!
          "With the crontab's ticks and queued sweeps (CRONTAB, every minute for some); true when omitted."
          crontab: Boolean
        ): [UpcomingItem!]!
      }
    `,
    objects: {
      Query: {
        plans: {
          upcoming(_$root, fieldArgs) {
            const $claims = context().get('pgSettings') as Step<Claims>;
            return lambda(
              [
                $claims,
                fieldArgs.getRaw('from'),
                fieldArgs.getRaw('until'),
                fieldArgs.getRaw('crontab'),
              ],
              async ([claims, from, until, crontab]) => {
                const client = await pool.connect();
                try {
                  await requireAdmin(client, claims['jwt.claims.sub'], claims['jwt.claims.role']);
                  const items = await upcoming(
                    client,
                    new Date(from as string),
                    new Date(until as string),
                    crontab !== false,
                  );
                  return items.map((item) => ({
                    ...item,
                    at: item.at.toISOString(),
                    kind: item.kind.toUpperCase(),
                  }));
                } finally {
                  client.release();
                }
              },
            );
          },
        },
      },
    },
  }));
}
