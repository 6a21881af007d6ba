// The server role behind Debian's PgBouncer in transaction mode, two server connections for
// three replicas: queries and mutations from many callers at once, each seeing only what its own
// token allows (no caller's settings reach another's request, no prepared statement lost
// between server connections); subscriptions LISTEN on a session of their own
// (DATABASE_LISTEN_URL); and the worker role, which needs a session, runs jobs through PgBouncer
// in session mode.
import { createClient } from 'graphql-ws';
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { createUser, requestBooking, type User } from '../support/factories.ts';
import { bearer, graphqlClient } from '../support/graphql.ts';
import { pgbouncerUnavailable, startPgBouncer } from '../support/pgbouncer.ts';
import { serve, spawnRole } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const skip = pgbouncerUnavailable();
if (skip) {
  t.test('the server role behind PgBouncer', { skip }, () => {});
} else {
  await run();
}

async function run() {
  const SECRET = 'pgbouncer-test-secret-0123456789abcdef';
  const SERVER_CONNECTIONS = 2;
  const { pool, ...db } = await createTestPool(t, 4);
  const transactions = await startPgBouncer(t, {
    server: db.url,
    poolMode: 'transaction',
    poolSize: SERVER_CONNECTIONS,
  });
  const sessions = await startPgBouncer(t, {
    server: db.url,
    poolMode: 'session',
    poolSize: 8,
  });
  const serverEnv = {
    DATABASE_URL: transactions.url(db.name),
    DATABASE_LISTEN_URL: db.url,
    DATABASE_PREPARED_STATEMENTS: 'off',
    DATABASE_POOL_SIZE: '2',
    DATABASE_GRAPHQL_POOL_SIZE: '8',
    JWT_SECRET: SECRET,
  };
  const replicas = await Promise.all([1, 2, 3].map(() => serve(t, 'server', serverEnv)));
  const clients = replicas.map((replica) => graphqlClient(replica.base, SECRET));
  const through = (i: number) => clients[i % clients.length] as (typeof clients)[number];

  const tutor = await createUser(pool, 'tutor');
  const students = await Promise.all(Array.from({ length: 12 }, () => createUser(pool, 'student')));

  t.test(
    'many callers at once through three replicas and two server connections: each sees only its own',
    async (t) => {
      // Every student asks for two sessions, through whichever replica, all at once.
      const requests = students.flatMap((student, i) =>
        [0, 1].map((n) =>
          through(i + n)(
            student,
            `mutation ($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {
              requestBooking(input: { tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: "Algebra" }) {
                booking { id student { id } }
              }
            }`,
            {
              tutorId: tutor.id,
              startsAt: new Date(Date.now() + (60 + i * 10 + n * 5) * 60_000).toISOString(),
              endsAt: new Date(Date.now() + (63 + i * 10 + n * 5) * 60_000).toISOString(),
            },
          ),
        ),
      );
      const booked = await Promise.all(requests);
      t.same(
        booked.filter(({ body }) => body.errors),
        [],
        'no mutation failed (no prepared statement or session state went astray)',
      );

      // Then each asks, many times over and mixed with anonymous callers, who it is and whose
      // bookings it sees: the claims of one request never show in another's.
      const asked = await Promise.all(
        Array.from({ length: 8 }, (_, round) =>
          [...students, null].map(async (student, i) => {
            const { body } = await through(round + i)(
              student,
              '{ currentUser { id } bookings { nodes { student { id } } } }',
            );
            return { student, body };
          }),
        ).flat(),
      );
      const wrong = asked.filter(({ student, body }) => {
        if (body.errors || !body.data) return true;
        const data = body.data as {
          currentUser: { id: string } | null;
          bookings: { nodes: Array<{ student: { id: string } }> };
        };
        if (!student) return data.currentUser !== null || data.bookings.nodes.length > 0;
        return (
          data.currentUser?.id !== student.id ||
          data.bookings.nodes.length !== 2 ||
          data.bookings.nodes.some((node) => node.student.id !== student.id)
        );
      });
      t.same(wrong, [], `all ${asked.length} answers are their caller's own, and only theirs`);

      // PgBouncer served every replica's connections on its two server connections.
      const served = (await transactions.pools()).find((row) => row.database === db.name);
      t.ok(served, 'PgBouncer has a pool for the database');
      t.ok(
        (served?.serversActive ?? 0) + (served?.serversIdle ?? 0) + (served?.serversUsed ?? 0) <=
          SERVER_CONNECTIONS,
        `at most ${SERVER_CONNECTIONS} server connections`,
      );
      t.ok(
        (served?.clientsActive ?? 0) > SERVER_CONNECTIONS,
        `more client connections than that (${served?.clientsActive})`,
      );
      t.equal(served?.mode, 'transaction');
    },
  );

  t.test('a subscription listens directly and hears a change made through PgBouncer', async (t) => {
    const student = students[0] as User;
    const booking = await requestBooking(pool, student, tutor, { startsIn: 600 });
    const heard: string[] = [];
    const ws = createClient({
      url: `${replicas[0]?.base.replace('http', 'ws')}/graphql`,
      connectionParams: bearer(await signToken(student, SECRET, 600)),
      retryAttempts: 0,
      lazy: false,
    });
    t.teardown(() => ws.dispose());
    ws.subscribe<{ bookingEvents: { toState: string } }>(
      { query: `subscription { bookingEvents(bookingId: "${booking.id}") { toState } }` },
      {
        next: ({ data }) => {
          if (data?.bookingEvents) heard.push(data.bookingEvents.toState);
        },
        error: (error) => heard.push(`error: ${JSON.stringify(error)}`),
        complete: () => {},
      },
    );
    // The replica's LISTEN runs on its listen pool's own connection, straight to Postgres.
    const listener = await waitUntil('the replica listens', async () => {
      const { rows } = await pool.query<{ application_name: string }>(
        `select application_name from pg_stat_activity
          where datname = current_database() and query like 'LISTEN "schoolbell:%' and state = 'idle'`,
      );
      return rows[0];
    });
    t.equal(listener.application_name, 'schoolbell listen');

    // The tutor accepts through another replica, whose transactions go through PgBouncer.
    const { body } = await through(1)(
      tutor,
      'mutation ($id: UUID!) { acceptBooking(input: { bookingId: $id }) { booking { state } } }',
      { id: booking.id },
    );
    t.same(body.errors, undefined);
    await waitUntil('the student hears the accept', async () => heard.length > 0);
    t.same(heard, ['SCHEDULED']);
  });

  t.test('the worker runs jobs through PgBouncer in session mode', async (t) => {
    const worker = await spawnRole('worker', {
      DATABASE_URL: sessions.url(db.name),
      DATABASE_POOL_SIZE: '6',
      WORKER_CONCURRENCY: '2',
      LOG_LEVEL: 'warn',
    });
    t.teardown(() => worker.stop());
    // A session starting in two seconds, accepted: its start timer is the worker's job.
    const student = students[1] as User;
    const booking = await requestBooking(pool, student, tutor, {
      startsIn: 2 / 60,
      minutes: 10,
    });
    const { body } = await through(2)(
      tutor,
      'mutation ($id: UUID!) { acceptBooking(input: { bookingId: $id }) { booking { state } } }',
      { id: booking.id },
    );
    t.same(body.errors, undefined);
    await waitUntil('the worker starts the session', async () => {
      const { rows } = await pool.query('select state from app_public.bookings where id = $1', [
        booking.id,
      ]);
      return rows[0]?.state === 'active';
    });
    const served = (await sessions.pools()).find((row) => row.database === db.name);
    t.equal(served?.mode, 'session');
    t.ok((served?.serversActive ?? 0) > 0, 'the worker holds its sessions through PgBouncer');
  });
}
