import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  DEADLINE_MAX,
  type Duration,
  durationListSchema,
  durationSchema,
  TIMER_MAX,
} from '../duration.ts';
import { type Database, NOTIFICATION_CHANNELS } from './db.ts';

/**
 * Setting is one row of app_private.settings, where the SQL reads what it needs of the
 * configuration: its default (the text the row holds until a process writes it), the environment
 * variable that sets it (none for a switch only an operator flips, with SQL), how that
 * variable is parsed, how the parsed value is written back as text, and what it means (the
 * README's configuration table says the same, test/registries.test.ts checks).
 */
export interface Setting<Value> {
  readonly default: string;
  readonly variable: string | undefined;
  readonly parse: z.ZodType<Value, string>;
  readonly text: (value: Value) => string;
  readonly meaning: string;
}

const setting = <Value, Variable extends string | undefined>(
  spec: Setting<Value> & { readonly variable: Variable },
) => Object.freeze(spec);

const durationText = (duration: Duration) => duration.text;

const atLeast = (ms: number) => (duration: Duration) => duration.ms >= ms;

/**
 * SETTINGS is the registry of app_private.settings, by row name. sql/0002_users.sql seeds every
 * row with its default; src/config.ts reads each variable with its parser and default; every
 * process writes the rows that have a variable at startup (writeSettings).
 */
export const SETTINGS = Object.freeze({
  request_ttl: setting({
    default: '24 hours',
    variable: 'REQUEST_TTL',
    parse: durationSchema(DEADLINE_MAX),
    text: durationText,
    meaning: "how long a request waits for the tutor's answer before it expires (at most 365 days)",
  }),
  end_grace: setting({
    default: '10 minutes',
    variable: 'END_GRACE',
    parse: durationSchema(DEADLINE_MAX),
    text: durationText,
    meaning: 'how long after `ends_at` a session is ended (at most 365 days)',
  }),
  reminder_leads: setting({
    default: '24 hours,15 minutes',
    variable: 'REMINDER_LEADS',
    parse: durationListSchema(DEADLINE_MAX),
    text: (leads: Duration[]) => leads.map(durationText).join(','),
    meaning:
      'how long before a session its reminders go out, comma-separated (each at most 365 days)',
  }),
  reminder_channel: setting({
    default: 'log',
    variable: 'REMINDER_CHANNEL',
    parse: z.enum(NOTIFICATION_CHANNELS),
    text: String,
    meaning: '`log`, `webhook` or `email`: how reminders are delivered',
  }),
  job_history_retention: setting({
    default: '14 days',
    variable: 'JOB_HISTORY_RETENTION',
    parse: durationSchema(),
    text: durationText,
    meaning: 'how long job outcomes stay in `app_private.job_history`',
  }),
  worker_dead_after: setting({
    default: '1 minute',
    variable: 'WORKER_DEAD_AFTER',
    parse: durationSchema(TIMER_MAX).refine(atLeast(1_000), {
      message: 'must be at least 1 second',
    }),
    text: durationText,
    meaning:
      'how long a worker may be silent before its jobs are given to others (1 second to 24 days)',
  }),
  booking_horizon: setting({
    default: '365 days',
    variable: 'BOOKING_HORIZON',
    parse: durationSchema().refine(atLeast(60_000), {
      message: 'must be at least 1 minute',
    }),
    text: durationText,
    meaning:
      'how far ahead a session may start (1 minute to 3650 days); a request or reschedule beyond it is `BADIN`',
  }),
  schedule_misfire_grace: setting({
    default: '10 minutes',
    variable: 'SCHEDULE_MISFIRE_GRACE',
    parse: durationSchema(),
    text: durationText,
    meaning:
      "how late a runtime schedule's occurrence may still run, for schedules that set no `misfire_grace` (see [Runtime schedules](#runtime-schedules))",
  }),
  schedule_min_interval: setting({
    default: '1 minute',
    variable: 'SCHEDULE_MIN_INTERVAL',
    parse: durationSchema().refine(atLeast(1_000), { message: 'must be at least 1 second' }),
    text: durationText,
    meaning:
      "the shortest time between a runtime schedule's occurrences: its `every`, or its cron expression's coming runs (at least 1 second)",
  }),
  booking_timers: setting({
    default: 'on',
    variable: undefined,
    parse: z.enum(['on', 'off']),
    text: String,
    meaning:
      '`off` makes booking changes schedule no timers and no reminders (a bulk import, a benchmark); the sweeps still move every booking. Set with SQL (README, Runbook), never from the environment, so that a process starting meanwhile does not turn it back on',
  }),
});

/** SettingName is the name of a row of app_private.settings. */
export type SettingName = keyof typeof SETTINGS;

type Settings = typeof SETTINGS;
type Configured = {
  [Name in SettingName as Settings[Name]['variable'] & string]: Settings[Name];
};

/** SettingValues are the parsed values of the settings an environment variable sets, by variable. */
export type SettingValues = {
  [Variable in keyof Configured]: z.output<Configured[Variable]['parse']>;
};

/**
 * settingVariables is the zod shape of the variables that set app_private.settings, for
 * src/config.ts: each with its parser, and its default parsed by the same parser.
 */
export function settingVariables(): {
  [Variable in keyof SettingValues]: z.ZodType<SettingValues[Variable]>;
} {
  const entries = Object.values(SETTINGS as Record<string, Setting<unknown>>).flatMap((spec) =>
    spec.variable === undefined ? [] : [[spec.variable, spec.parse.prefault(spec.default)]],
  );
  return Object.fromEntries(entries);
}

/**
 * settingRows is what a process writes to app_private.settings: the text of every setting an
 * environment variable sets, from the values config parsed.
 */
export function settingRows(values: SettingValues): Array<{ name: SettingName; value: string }> {
  return Object.entries(SETTINGS as Record<string, Setting<unknown>>).flatMap(([name, spec]) =>
    spec.variable === undefined
      ? []
      : [
          {
            name: name as SettingName,
            value: spec.text((values as Record<string, unknown>)[spec.variable]),
          },
        ],
  );
}

/**
 * writeSettings copies the settings the environment sets (SETTINGS with a variable: REQUEST_TTL,
 * END_GRACE, ...) into app_private.settings, where triggers and functions read them. Every
 * process writes them at startup, so replicas should share one configuration. An operator's
 * switch (booking_timers) is left as the operator set it.
 */
export async function writeSettings(
  db: Kysely<Database>,
  config: { readonly settings: readonly { name: SettingName; value: string }[] },
): Promise<void> {
  await db
    .insertInto('app_private.settings')
    .values([...config.settings])
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: new Date() })),
    )
    .execute();
}
