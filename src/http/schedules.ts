import type pg from 'pg';
import { type PgSelectSingleStep, TYPES } from 'postgraphile/@dataplan/pg';
import { context, lambda, object, type Step, sideEffect } from 'postgraphile/grafast';
import { sql } from 'postgraphile/pg-sql2';
import { extendSchema, gql } from 'postgraphile/utils';
import { requireAdmin, type ScheduleRow } from '../db/queries.ts';
import {
  type FieldProblem,
  ScheduleError,
  type ScheduleInput,
  type SchedulePatch,
  triggerOf,
} from '../schedules/input.ts';
import type { Actor } from '../schedules/kind.ts';
import {
  createSchedule,
  deleteSchedule,
  MAX_UPCOMING,
  pauseSchedule,
  resumeSchedule,
  runScheduleNow,
  updateSchedule,
} from '../schedules/operations.ts';
import { upcomingOccurrences } from '../schedules/trigger.ts';

/** TriggerInput is ScheduleTriggerInput as a request sends it: one of its fields, exactly. */
interface TriggerInput {
  once?: { runAt: string } | null;
  interval?: { every: string; startsAt?: string | null; endsAt?: string | null } | null;
  cron?: {
    expression: string;
    timeZone: string;
    startsAt?: string | null;
    endsAt?: string | null;
  } | null;
}

/** Fields are the fields of CreateScheduleInput and SchedulePatchInput. */
interface Fields {
  name?: string;
  kind?: string;
  payload?: unknown;
  trigger?: TriggerInput | null;
  misfireGrace?: string | null;
  paused?: boolean | null;
}

const TRIGGERS = ['once', 'interval', 'cron'] as const;

/**
 * flatten turns the GraphQL input into the schedule API's flat fields (runAt, every, cron and
 * timeZone, startsAt, endsAt), and `where` says which GraphQL field each of those came from, so
 * that an error names the field the caller wrote. Two triggers, or none where one is required,
 * is BADIN on `trigger`.
 */
function flatten(
  input: Fields,
  prefix: string,
  required: boolean,
): { fields: Record<string, unknown>; where: Map<string, string> } {
  const { trigger, ...rest } = input;
  const fields: Record<string, unknown> = { ...rest };
  if (fields.paused === null) delete fields.paused;
  const where = new Map<string, string>([['trigger', `${prefix}trigger`]]);
  const given = TRIGGERS.filter((name) => trigger?.[name] != null);
  if (given.length > 1 || (required && given.length === 0)) {
    throw new ScheduleError(
      'BADIN',
      `invalid schedule: ${prefix}trigger: give exactly one of once, interval and cron (got ${given.join(', ') || 'none'})`,
      [{ field: `${prefix}trigger`, message: 'give exactly one of once, interval and cron' }],
    );
  }
  const [type] = given;
  const at = (name: string) => `${prefix}trigger.${type}.${name}`;
  if (type === 'once' && trigger?.once) {
    fields.runAt = trigger.once.runAt;
    where.set('runAt', at('runAt'));
  } else if (type === 'interval' && trigger?.interval) {
    const { every, startsAt, endsAt } = trigger.interval;
    Object.assign(fields, { every, startsAt, endsAt });
    where.set('every', at('every'));
  } else if (type === 'cron' && trigger?.cron) {
    const { expression, timeZone, startsAt, endsAt } = trigger.cron;
    Object.assign(fields, { cron: expression, timeZone, startsAt, endsAt });
    where.set('cron', at('expression')).set('timeZone', at('timeZone'));
  }
  if (type && type !== 'once') where.set('startsAt', at('startsAt')).set('endsAt', at('endsAt'));
  for (const name of ['startsAt', 'endsAt']) if (fields[name] === undefined) delete fields[name];
  return { fields, where };
}

/** renamed is a ScheduleError whose fields are spelled as the GraphQL input spells them. */
function renamed(error: unknown, where: Map<string, string>, prefix: string): unknown {
  if (!(error instanceof ScheduleError) || error.problems.length === 0) return error;
  const rename = (field: string) => {
    const [head = field, ...tail] = field.split('.');
    return [where.get(head) ?? `${prefix}${head}`, ...tail].join('.');
  };
  const problems: FieldProblem[] = error.problems.map((p) => ({ ...p, field: rename(p.field) }));
  const text = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  const message = error.code === 'BADIN' ? `invalid schedule: ${text}` : error.message;
  return new ScheduleError(error.code, message, problems);
}

type Claims = Record<string, string | undefined>;

/**
 * SchedulesPlugin is the GraphQL API of runtime schedules (README, Runtime schedules), for
 * admins and agents holding an admin token: the mutations call the schedule API
 * (src/schedules/operations.ts), each one transaction on a connection of its own, after
 * app_hidden.require_admin() has said who asks (LOGIN, TOKEN, DENYD); `Schedule.upcoming`
 * computes the next occurrences as the worker will. Reading schedules is PostGraphile's own
 * `schedules` and `schedule(id)`, under row-level security.
 */
export function schedulesPlugin(pool: pg.Pool): GraphileConfig.Plugin {
  /** asAdmin runs `operation` as the admin the request's claims name, on a connection of its own. */
  const asAdmin = async <T>(
    claims: Claims,
    operation: (client: pg.PoolClient, actor: Actor) => Promise<T>,
  ): Promise<T> => {
    const client = await pool.connect();
    try {
      const actor = await requireAdmin(client, claims['jwt.claims.sub'], claims['jwt.claims.role']);
      return await operation(client, actor);
    } finally {
      client.release();
    }
  };

  /**
   * planned is the plan of a mutation: `run` with the admin and the field's input, on a
   * connection of its own; the payload reads the schedule it returns by id.
   */
  const planned =
    <Input>(run: (client: pg.PoolClient, actor: Actor, input: Input) => Promise<ScheduleRow>) =>
    (_$root: Step, fieldArgs: { getRaw(name: string): Step }) => {
      const $row = sideEffect(
        [context().get('pgSettings') as Step<Claims>, fieldArgs.getRaw('input') as Step<Input>],
        ([claims, input]) => asAdmin(claims, (client, actor) => run(client, actor, input)),
      );
      return object({ id: lambda($row, (row) => row.id) });
    };
  const byId = (
    operation: (client: pg.PoolClient, actor: Actor, id: string) => Promise<ScheduleRow>,
  ) => planned<{ id: string }>((client, actor, input) => operation(client, actor, input.id));

  return extendSchema((build) => {
    const schedules = build.input.pgRegistry.pgResources.schedules;
    if (!schedules) throw new Error('SchedulesPlugin: app_public.schedules is not in the registry');
    const scheduleOf = ($payload: Step) =>
      schedules.get({ id: ($payload as unknown as { get(key: string): Step }).get('id') });
    return {
      typeDefs: gql`
        """
        When a schedule runs: exactly one of its fields. A new trigger replaces the old one whole.
        """
        input ScheduleTriggerInput {
          "Once, at a time."
          once: OnceTriggerInput
          "Every duration, from a start (else one interval after now) until an end."
          interval: IntervalTriggerInput
          "On a five-field cron expression read in an IANA time zone."
          cron: CronTriggerInput
        }

        "A schedule that runs once."
        input OnceTriggerInput {
          "When it runs: now or later."
          runAt: Datetime!
        }

        "A schedule that runs at an interval of exact elapsed time, whatever the zone."
        input IntervalTriggerInput {
          """
          The time between two occurrences, as durations are written everywhere in schoolbell ("15 minutes", "1 day 2 hours"), at least SCHEDULE_MIN_INTERVAL.
          """
          every: String!
          "The first occurrence; one interval after now when omitted."
          startsAt: Datetime
          "No occurrence after this; after startsAt."
          endsAt: Datetime
        }

        "A schedule that runs on a cron expression in a time zone (daylight saving included)."
        input CronTriggerInput {
          "Five fields: minute, hour, day of month, month, day of week (e.g. \`0 17 * * 1\`)."
          expression: String!
          "The IANA time zone the expression is read in, e.g. Europe/Madrid."
          timeZone: String!
          "No occurrence before this."
          startsAt: Datetime
          "No occurrence after this; after startsAt."
          endsAt: Datetime
        }

        "All input for the \`createSchedule\` mutation."
        input CreateScheduleInput {
          "What the schedule is for, 1 to 200 characters."
          name: String!
          "The task kind it runs: notify_user or daily_agenda (README, Runtime schedules)."
          kind: String!
          "The kind's payload (every kind names its user as userId), checked by the kind."
          payload: JSON!
          "When it runs: exactly one of once, interval and cron."
          trigger: ScheduleTriggerInput!
          """
          How late an occurrence may still run, a duration ("5 minutes"); SCHEDULE_MISFIRE_GRACE when omitted.
          """
          misfireGrace: String
          "Create it paused (no job until it is resumed); false when omitted."
          paused: Boolean
        }

        "The fields of a schedule to change; those left out stay as they are."
        input SchedulePatchInput {
          "A new name."
          name: String
          "A new kind (give its payload too)."
          kind: String
          "A new payload, checked by the kind."
          payload: JSON
          "A new trigger: recomputes nextRunAt and moves the pending job."
          trigger: ScheduleTriggerInput
          "A new misfire grace; null for SCHEDULE_MISFIRE_GRACE."
          misfireGrace: String
        }

        "All input for the \`updateSchedule\` mutation."
        input UpdateScheduleInput {
          "The schedule to change."
          id: UUID!
          "What to change."
          patch: SchedulePatchInput!
        }

        "All input for a mutation on one schedule by its id."
        input ScheduleIdInput {
          "The schedule."
          id: UUID!
        }

        "The output of a mutation on a schedule."
        type SchedulePayload {
          "The schedule as it is now."
          schedule: Schedule
        }

        "The output of the \`deleteSchedule\` mutation."
        type DeleteSchedulePayload {
          "The id of the schedule deleted, with its job and its runs."
          deletedScheduleId: UUID!
        }

        extend type Mutation {
          "Creates a runtime schedule and its first job; admins only."
          createSchedule(
            "The schedule."
            input: CreateScheduleInput!
          ): SchedulePayload!
          """
          Changes a schedule; a new trigger (or start, end, zone) recomputes nextRunAt and moves the pending job in the same transaction. Admins only.
          """
          updateSchedule(
            "The schedule and what to change."
            input: UpdateScheduleInput!
          ): SchedulePayload!
          "Pauses a schedule: its job goes, nextRunAt stays. Admins only."
          pauseSchedule(
            "The schedule."
            input: ScheduleIdInput!
          ): SchedulePayload!
          """
          Resumes a paused schedule: its job comes back for nextRunAt (one that passed meanwhile runs within the misfire grace, else is recorded skipped). Admins only.
          """
          resumeSchedule(
            "The schedule."
            input: ScheduleIdInput!
          ): SchedulePayload!
          """
          Runs a schedule's kind once now, then goes on with its next occurrence; ILLTR when paused. Admins only.
          """
          runScheduleNow(
            "The schedule."
            input: ScheduleIdInput!
          ): SchedulePayload!
          "Deletes a schedule, its job and its runs. Admins only."
          deleteSchedule(
            "The schedule."
            input: ScheduleIdInput!
          ): DeleteSchedulePayload!
        }

        extend type Schedule {
          """
          The next occurrences from nextRunAt on (none when finished), as the worker will run them; count is 0 to ${String(MAX_UPCOMING)}.
          """
          upcoming(
            "How many, 0 to ${String(MAX_UPCOMING)}."
            count: Int!
          ): [Datetime!]!
        }
      `,
      objects: {
        Mutation: {
          plans: {
            createSchedule: planned<Fields>((client, actor, input) => {
              const { fields, where } = flatten(input, '', true);
              return createSchedule(client, actor, fields as ScheduleInput).catch((error) => {
                throw renamed(error, where, '');
              });
            }),
            updateSchedule: planned<{ id: string; patch: Fields }>((client, actor, input) => {
              const { fields, where } = flatten(input.patch, 'patch.', false);
              return updateSchedule(client, actor, input.id, fields as SchedulePatch).catch(
                (error) => {
                  throw renamed(error, where, 'patch.');
                },
              );
            }),
            pauseSchedule: byId(pauseSchedule),
            resumeSchedule: byId(resumeSchedule),
            runScheduleNow: byId(runScheduleNow),
            deleteSchedule: byId(deleteSchedule),
          },
        },
        SchedulePayload: {
          plans: {
            schedule: ($payload) => scheduleOf($payload),
          },
        },
        DeleteSchedulePayload: {
          plans: {
            deletedScheduleId: ($payload) =>
              ($payload as unknown as { get(key: string): Step }).get('id'),
          },
        },
        Schedule: {
          plans: {
            upcoming($schedule: PgSelectSingleStep, fieldArgs) {
              const alias = $schedule.getClassStep().alias;
              const $row = object({
                trigger: $schedule.get('trigger'),
                run_at: $schedule.get('run_at'),
                cron: $schedule.get('cron'),
                time_zone: $schedule.get('time_zone'),
                starts_at: $schedule.get('starts_at'),
                ends_at: $schedule.get('ends_at'),
                next_run_at: $schedule.get('next_run_at'),
                every_ms: $schedule.select(
                  sql`(extract(epoch from ${alias}.every) * 1000)::float8`,
                  TYPES.float,
                ),
              });
              return lambda([$row, fieldArgs.getRaw('count')], ([row, count]) =>
                upcomingOf(row as StoredTrigger, count as number),
              );
            },
          },
        },
      },
    };
  });
}

/** StoredTrigger is what upcoming reads of a schedule row, as PostGraphile gives it (text). */
interface StoredTrigger {
  trigger: ScheduleRow['trigger'];
  run_at: string | null;
  cron: string | null;
  time_zone: string | null;
  starts_at: string | null;
  ends_at: string | null;
  next_run_at: string | null;
  every_ms: number | null;
}

/** upcomingOf lists a stored schedule's next `count` occurrences; BADIN naming `count` out of 0..MAX_UPCOMING. */
function upcomingOf(row: StoredTrigger, count: number): string[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_UPCOMING) {
    throw new ScheduleError('BADIN', `count must be between 0 and ${MAX_UPCOMING} (got ${count})`, [
      { field: 'count', message: `must be between 0 and ${MAX_UPCOMING}` },
    ]);
  }
  const time = (value: string | null) => (value === null ? null : new Date(value));
  const trigger = triggerOf(
    {
      trigger: row.trigger,
      run_at: time(row.run_at),
      cron: row.cron,
      time_zone: row.time_zone,
      starts_at: time(row.starts_at),
      ends_at: time(row.ends_at),
    },
    row.every_ms,
  );
  return upcomingOccurrences(trigger, time(row.next_run_at), count).map((at) => at.toISOString());
}
