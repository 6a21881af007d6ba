import type { ColumnType, Generated } from 'kysely';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../log.ts';

// The labels of the SQL enums TypeScript names, in the enums' order: the one list of each in
// TypeScript (test/registries.test.ts checks each against its enum).

/** USER_ROLES are app_public.user_role's labels. */
export const USER_ROLES = ['student', 'tutor', 'admin'] as const;
/** UserRole is a label of app_public.user_role. */
export type UserRole = (typeof USER_ROLES)[number];

/**
 * BOOKING_STATES are app_public.booking_state's labels: a booking's life (requested, scheduled,
 * active, ended), then the ways it stops early. The admin page shows them in this order.
 */
export const BOOKING_STATES = [
  'requested',
  'scheduled',
  'active',
  'ended',
  'declined',
  'cancelled',
  'expired',
] as const;
/** BookingState is a label of app_public.booking_state. */
export type BookingState = (typeof BOOKING_STATES)[number];

/** JOB_STATES are app_public.job_state's labels (app_private.job_states says which a job is in). */
export const JOB_STATES = ['scheduled', 'due', 'running', 'retrying', 'failed'] as const;
/** JobState is a label of app_public.job_state. */
export type JobState = (typeof JOB_STATES)[number];

/** JOB_OUTCOMES are app_public.job_outcome's labels: how a run of a job ended. */
export const JOB_OUTCOMES = ['success', 'error', 'failed', 'crashed', 'cancelled'] as const;
/** JobOutcomeLabel is a label of app_public.job_outcome. */
export type JobOutcomeLabel = (typeof JOB_OUTCOMES)[number];
/** WorkerOutcome is an outcome a worker records itself (the SQL records crashed and cancelled). */
export type WorkerOutcome = Extract<JobOutcomeLabel, 'success' | 'error' | 'failed'>;

/** NOTIFICATION_CHANNELS are app_public.notification_channel's labels: the ways out. */
export const NOTIFICATION_CHANNELS = ['log', 'webhook', 'email'] as const;
/** NotificationChannel is a label of app_public.notification_channel. */
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

type Timestamps = {
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, never>;
};

/** UsersTable is app_public.users. */
export interface UsersTable extends Timestamps {
  id: Generated<string>;
  name: string;
  email: string;
  phone: string | null;
  role: UserRole;
  time_zone: Generated<string>;
}

/** BookingsTable is app_public.bookings. */
export interface BookingsTable extends Timestamps {
  id: Generated<string>;
  student_id: string;
  tutor_id: string;
  subject: string;
  starts_at: Date;
  ends_at: Date;
  state: Generated<BookingState>;
  expires_at: Generated<Date>;
}

/** BookingEventsTable is app_public.booking_events. */
export interface BookingEventsTable {
  id: Generated<string>;
  booking_id: string;
  from_state: BookingState | null;
  to_state: BookingState;
  actor: string;
  reason: string | null;
  created_at: Generated<Date>;
}

/** SettingsTable is app_private.settings. */
export interface SettingsTable {
  name: string;
  value: string;
  updated_at: Generated<Date>;
}

/** Database maps schema-qualified table names to their row types for kysely. */
export interface Database {
  'app_public.users': UsersTable;
  'app_public.bookings': BookingsTable;
  'app_public.booking_events': BookingEventsTable;
  'app_private.settings': SettingsTable;
}

/**
 * IDLE_CONNECTION_TIMEOUT_MS is how long a pooled connection may sit unused before it is closed:
 * a little longer than the worker's 10 s poll (pg's default is 10 s, so an idle replica opened a
 * new connection, a new Postgres process and a transaction, every poll or so), and short enough
 * that a burst's extra connections go soon: each idle connection costs a transaction whenever
 * DDL elsewhere in the cluster makes it catch up on cache invalidations.
 */
const IDLE_CONNECTION_TIMEOUT_MS = 15_000;

/**
 * UnnamedStatementsClient is a pg client that sends every statement unnamed. PostGraphile's
 * adaptor names (prepares) its statements once per connection, which a transaction pooler that
 * cannot keep prepared statements (PgBouncer before 1.21) breaks: the next transaction of the
 * same client lands on another server connection, where the name is unknown (26000) or taken
 * (42P05). Unnamed, each statement is parsed where it runs.
 */
class UnnamedStatementsClient extends pg.Client {
  override query(config: unknown, ...rest: unknown[]): never {
    const unnamed =
      typeof config === 'object' && config !== null && 'name' in config && !('submit' in config)
        ? { ...config, name: undefined }
        : config;
    return (super.query as (...args: unknown[]) => never)(unnamed, ...rest);
  }
}

/** PoolOptions are how a pool talks to the server, beyond its size. */
export interface PoolOptions {
  /** preparedStatements false sends every statement unnamed (DATABASE_PREPARED_STATEMENTS=off). */
  readonly preparedStatements?: boolean;
}

/**
 * createPool opens a connection pool, its connections named `schoolbell <name>` in
 * pg_stat_activity. A connection that breaks (Postgres restarted, network gone) is logged and
 * discarded by pg; without these handlers its error would crash the process.
 */
export function createPool(
  url: string,
  size: number,
  log: Logger,
  name: string,
  options: PoolOptions = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    application_name: `schoolbell ${name}`,
    idleTimeoutMillis: IDLE_CONNECTION_TIMEOUT_MS,
    ...(options.preparedStatements === false ? { Client: UnnamedStatementsClient } : {}),
  });
  pool.on('error', (error) =>
    log.warn({ err: error, pool: name }, 'idle database connection failed'),
  );
  pool.on('connect', (client) => {
    client.on('error', (error) =>
      log.warn({ err: error, pool: name }, 'database connection failed'),
    );
  });
  return pool;
}

/**
 * createDb wraps a pool in a typed kysely query builder. The pool's owner ends the pool;
 * never call destroy() on the result.
 */
export function createDb(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
