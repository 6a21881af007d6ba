import type { ColumnType, Generated } from 'kysely';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../log.ts';

/** UserRole mirrors app_public.user_role. */
export type UserRole = 'student' | 'tutor' | 'admin';

/** BookingState mirrors app_public.booking_state. */
export type BookingState =
  | 'requested'
  | 'scheduled'
  | 'active'
  | 'ended'
  | 'expired'
  | 'declined'
  | 'cancelled';

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
 * createPool opens a connection pool. A connection that breaks (Postgres restarted, network
 * gone) is logged and discarded by pg; without these handlers its error would crash the process.
 */
export function createPool(url: string, size: number, log: Logger, name: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    application_name: `schoolbell ${name}`,
    idleTimeoutMillis: IDLE_CONNECTION_TIMEOUT_MS,
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
