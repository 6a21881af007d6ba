import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { BookingState, UserRole } from '../src/db/db.ts';

/** User is a row of app_public.users, as the tests need it. */
export interface User {
  id: string;
  name: string;
  role: UserRole;
  time_zone: string;
}

/** Booking is a row of app_public.bookings. */
export interface Booking {
  id: string;
  student_id: string;
  tutor_id: string;
  subject: string;
  starts_at: Date;
  ends_at: Date;
  expires_at: Date;
  state: BookingState;
}

type Queryable = pg.Pool | pg.ClientBase;

/** createUser inserts a user (users have no API to create them: they come from the platform). */
export async function createUser(
  db: Queryable,
  role: UserRole,
  fields: { name?: string; timeZone?: string; phone?: string } = {},
): Promise<User> {
  const tag = randomBytes(4).toString('hex');
  const { rows } = await db.query<User>(
    `insert into app_public.users (name, email, role, time_zone, phone)
     values ($1, $2, $3, $4, $5) returning id, name, role, time_zone`,
    [
      fields.name ?? `${role} ${tag}`,
      `${role}-${tag}@example.test`,
      role,
      fields.timeZone ?? 'UTC',
      fields.phone ?? null,
    ],
  );
  return rows[0] as User;
}

/**
 * asUser runs fn in a transaction as the GraphQL role with the user's claims set, the way
 * PostGraphile runs a request; it rolls back unless `commit` is set.
 */
export async function asUser<T>(
  pool: pg.Pool,
  user: { id: string; role: string } | null,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: { commit?: boolean } = {},
): Promise<T> {
  return inTransaction(
    pool,
    async (client) => {
      await client.query('set local role schoolbell_visitor');
      if (user) {
        await client.query(
          "select set_config('jwt.claims.sub', $1, true), set_config('jwt.claims.role', $2, true)",
          [user.id, user.role],
        );
      }
      return fn(client);
    },
    options,
  );
}

/** inTransaction runs fn in a transaction on a client of its own; it rolls back unless `commit` is set. */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: { commit?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query(options.commit ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/**
 * requestBooking asks for a session through the real app_public.request_booking, as the
 * student, and commits it. Times are minutes from now.
 */
export async function requestBooking(
  pool: pg.Pool,
  student: User,
  tutor: User,
  options: { startsIn?: number; minutes?: number; subject?: string } = {},
): Promise<Booking> {
  const startsAt = minutes(options.startsIn ?? 60);
  const endsAt = new Date(startsAt.getTime() + (options.minutes ?? 60) * 60_000);
  return requestBookingAt(pool, student, tutor, startsAt, endsAt, options.subject);
}

/**
 * requestBookingAt asks for a session at the given times, as requestBooking does; a time given as
 * a string reaches Postgres as written.
 */
export async function requestBookingAt(
  pool: pg.Pool,
  student: User,
  tutor: User,
  startsAt: Date | string,
  endsAt: Date | string,
  subject = 'Algebra',
): Promise<Booking> {
  return asUser(
    pool,
    student,
    async (client) =>
      (
        await client.query<Booking>('select * from app_public.request_booking($1, $2, $3, $4)', [
          tutor.id,
          startsAt,
          endsAt,
          subject,
        ])
      ).rows[0] as Booking,
    { commit: true },
  );
}

/** acceptBooking accepts through the real app_public.accept_booking, as the tutor, and commits. */
export async function acceptBooking(
  pool: pg.Pool,
  tutor: User,
  bookingId: string,
): Promise<Booking> {
  return asUser(
    pool,
    tutor,
    async (client) =>
      (await client.query<Booking>('select * from app_public.accept_booking($1)', [bookingId]))
        .rows[0] as Booking,
    { commit: true },
  );
}

/**
 * importBooking inserts a booking as the table owner, in any state and with any times, the way
 * a bulk import or a restored backup would: the insert rules still apply, the API's do not.
 */
export async function importBooking(
  db: Queryable,
  student: User,
  tutor: User,
  fields: { state: BookingState; startsAt: Date; endsAt: Date; expiresAt?: Date },
): Promise<Booking> {
  const { rows } = await db.query<Booking>(
    `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
     values ($1, $2, 'Imported', $3, $4::timestamptz, $5, coalesce($6::timestamptz, $4::timestamptz)) returning *`,
    [student.id, tutor.id, fields.state, fields.startsAt, fields.endsAt, fields.expiresAt ?? null],
  );
  return rows[0] as Booking;
}

/** events lists a booking's audit trail, oldest first. */
export async function events(
  db: Queryable,
  bookingId: string,
): Promise<
  Array<{ from_state: string | null; to_state: string; actor: string; reason: string | null }>
> {
  const { rows } = await db.query(
    'select from_state, to_state, actor, reason from app_public.booking_events where booking_id = $1 order by id',
    [bookingId],
  );
  return rows;
}
