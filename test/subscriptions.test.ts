// GraphQL subscriptions with a real graphql-ws client against two server replicas on one
// database: each hears every change, whichever replica (or job) made it, and sends it only to
// those row-level security lets see it, while their token is valid and their role the same.
import { createClient } from 'graphql-ws';
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { asUser, createUser, requestBooking, type User } from '../support/factories.ts';
import { bearer, postGraphql } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'subscriptions-test-secret-0123456789abcdef';
const { pool, ...db } = await createTestPool(t, 4);
const env = { DATABASE_URL: db.url, JWT_SECRET: SECRET, GRAPHQL_MAX_SUBSCRIPTIONS: '3' };
const [a, b] = [await serve(t, 'server', env), await serve(t, 'server', env)];
const wsUrl = (base: string) => `${base.replace('http', 'ws')}/graphql`;

interface Received {
  events: Array<{ toState: string; bookingId: string; at: number }>;
  errors: Array<{ message: string; extensions?: { code?: string } }>;
  closed?: { code: number; reason: string };
}

/**
 * subscribe opens a socket to a replica as `user` (a token valid `ttl` seconds), subscribes to
 * bookingEvents (of one booking if given), collects what arrives, and returns once the
 * replica listens.
 */
async function subscribe(base: string, user: User, ttl = 600, bookingId?: string) {
  const received: Received = { events: [], errors: [] };
  const client = createClient({
    url: wsUrl(base),
    connectionParams: bearer(await signToken(user, SECRET, ttl)),
    retryAttempts: 0,
    lazy: false,
    on: {
      closed: (event) => {
        received.closed = event as CloseEvent;
      },
    },
  });
  t.teardown(() => client.dispose());
  client.subscribe<{ bookingEvents: { toState: string; booking: { id: string } } }>(
    {
      query:
        'subscription ($id: UUID) { bookingEvents(bookingId: $id) { toState booking { id } } }',
      variables: { id: bookingId ?? null },
    },
    {
      next: ({ data }) => {
        const event = data?.bookingEvents;
        if (event)
          received.events.push({
            toState: event.toState,
            bookingId: event.booking.id,
            at: Date.now(),
          });
      },
      error: (error) => received.errors.push(...(Array.isArray(error) ? error : [error])),
      complete: () => {},
    },
  );
  await listened('LISTEN', user);
  return received;
}

/**
 * listened waits until a replica's last statement on its listening connection is `command` of
 * the user's topic (of their booking events, or notifications), finished. Which replica is not known here: each test subscribes users no
 * other subscription of the file uses.
 */
async function listened(
  command: 'LISTEN' | 'UNLISTEN',
  user: User,
  stream: 'booking_events_topic' | 'my_notifications_topic' = 'booking_events_topic',
) {
  const topic = await asUser(pool, user, async (client) => {
    const { rows } = await client.query(`select app_hidden.${stream}() as topic`);
    return rows[0]?.topic as string;
  });
  await waitUntil(`a replica runs ${command} ${topic}`, async () => {
    const { rows } = await pool.query(
      "select 1 from pg_stat_activity where query = $1 and state = 'idle'",
      [`${command} "${topic}"`],
    );
    return rows.length > 0;
  });
}

const student = await createUser(pool, 'student');
const other = await createUser(pool, 'student');
const tutor = await createUser(pool, 'tutor');
// A session starting in five seconds, for two: the accept must come before its start.
const booking = await requestBooking(pool, student, tutor, { startsIn: 5 / 60, minutes: 2 / 60 });
await requestBooking(pool, other, tutor, { startsIn: 300 });

t.test(
  'a student hears the accept and the start, from either replica; another student hears nothing',
  async (t) => {
    const mine = await subscribe(a.base, student, 600, booking.id);
    const theirs = await subscribe(b.base, other);

    // The tutor accepts through replica B; the student listens on replica A.
    const acceptedAt = Date.now();
    const { body } = await postGraphql(
      b.base,
      'mutation ($id: UUID!) { acceptBooking(input: { bookingId: $id }) { booking { state } } }',
      { id: booking.id },
      bearer(await signToken(tutor, SECRET, 600)),
    );
    t.same(body.errors, undefined);
    const accepted = await waitUntil('the student hears the accept', async () => mine.events[0]);
    t.match(accepted, { toState: 'SCHEDULED', bookingId: booking.id });
    t.ok(accepted.at - acceptedAt < 1000, `within a second (${accepted.at - acceptedAt} ms)`);

    // The session starts as its timer would move it, once due: no replica involved.
    await waitUntil('the session is due', async () => Date.now() > booking.starts_at.getTime());
    const startedAt = Date.now();
    await pool.query(
      "select app_private.transition_booking($1, 'active', app_private.actor('job', 'start_sessions_timer'), null)",
      [booking.id],
    );
    const started = await waitUntil('the student hears the start', async () => mine.events[1]);
    t.equal(started.toState, 'ACTIVE');
    t.ok(started.at - startedAt < 1000, `within a second (${started.at - startedAt} ms)`);
    t.same(theirs.events, [], 'the other student, subscribed to all theirs, heard nothing');
  },
);

t.test('an expired token closes the socket; reconnecting with a new one resumes', async (t) => {
  const late = await createUser(pool, 'student');
  const expiring = await subscribe(b.base, late, 2);
  const closed = await waitUntil('the socket closes at expiry', async () => expiring.closed);
  t.equal(closed.code, 4403);
  t.match(closed.reason, /^TOKEX: token has expired/);

  await listened('UNLISTEN', late);
  const again = await subscribe(b.base, late);
  const requested = await requestBooking(pool, late, tutor, { startsIn: 120 });
  const heard = await waitUntil('the new socket hears the request', async () => again.events[0]);
  t.match(heard, { toState: 'REQUESTED', bookingId: requested.id });
  t.same(expiring.events, [], 'the expired one heard nothing');
});

t.test('a user whose role changed stops receiving', async (t) => {
  const admin = await createUser(pool, 'admin');
  const asking = await createUser(pool, 'student');
  const watching = await subscribe(a.base, admin);
  const mine = await subscribe(b.base, asking);
  const requested = await requestBooking(pool, asking, tutor, { startsIn: 180 });
  await waitUntil('the admin hears the request', async () => watching.events[0]);

  // No longer an admin: the token's role is now wrong, and the next event is not sent.
  await pool.query("update app_public.users set role = 'tutor' where id = $1", [admin.id]);
  await asUser(
    pool,
    asking,
    (client) => client.query('select app_public.cancel_booking($1)', [requested.id]),
    { commit: true },
  );
  const cancelled = await waitUntil('the student hears the cancel', async () => mine.events[1]);
  t.equal(cancelled.toState, 'CANCELLED');
  const refused = await waitUntil('the old admin is told why', async () => watching.errors[0]);
  t.equal(refused.extensions?.code, 'TOKEN');
  t.equal(watching.events.length, 1, 'the old admin heard only the request');
});

t.test('a socket without a valid token is refused at connect', async (t) => {
  const expired = await signToken(student, SECRET, -10);
  for (const [connectionParams, reason] of [
    [{}, /^AUTHH: sign in/],
    [{ Authorization: 'Bearer not-a-token' }, /^TOKMF/],
    [bearer(expired), /^TOKEX/],
  ] as const) {
    const closed = await new Promise<CloseEvent>((resolve) => {
      const client = createClient({
        url: wsUrl(a.base),
        connectionParams,
        retryAttempts: 0,
        lazy: false,
        on: { closed: (event) => resolve(event as CloseEvent) },
      });
      t.teardown(() => client.dispose());
    });
    t.equal(closed.code, 4403);
    t.match(closed.reason, reason);
  }

  // A message is bounded as a request body is (100 kB): past it, the socket is closed (1009),
  // and the replica serves on (the tests below use it).
  const socket = new WebSocket(wsUrl(a.base), 'graphql-transport-ws');
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  const tooBig = new Promise<CloseEvent>((resolve) =>
    socket.addEventListener('close', resolve, { once: true }),
  );
  socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(200_000) } }));
  t.equal((await tooBig).code, 1009);
});

t.test('a user hears their own notifications change state, and nobody else does', async (t) => {
  const admin = await createUser(pool, 'admin');
  const [recipient, bystander] = [
    await createUser(pool, 'student'),
    await createUser(pool, 'student'),
  ];
  const open = async (base: string, user: User) => {
    const heard: Array<{ id: string; state: string; message: string }> = [];
    const client = createClient({
      url: wsUrl(base),
      connectionParams: bearer(await signToken(user, SECRET, 600)),
      retryAttempts: 0,
    });
    t.teardown(() => client.dispose());
    client.subscribe<{ myNotifications: { id: string; state: string; message: string } }>(
      { query: 'subscription { myNotifications { id state message } }' },
      {
        next: ({ data }) => void (data && heard.push(data.myNotifications)),
        error: () => {},
        complete: () => {},
      },
    );
    await listened('LISTEN', user, 'my_notifications_topic');
    return heard;
  };
  const mine = await open(a.base, recipient);
  const theirs = await open(b.base, bystander);

  // An admin schedules a message for tomorrow, then cancels it: two changes of state.
  const id = await asUser(
    pool,
    admin,
    async (client) => {
      const { rows } = await client.query(
        "select (app_public.schedule_notification($1, 'log', 'Bring your notes', now() + interval '1 day')).id",
        [recipient.id],
      );
      return rows[0]?.id as string;
    },
    { commit: true },
  );
  await waitUntil('the recipient hears it scheduled', async () => mine[0]);
  await asUser(
    pool,
    admin,
    (client) => client.query('select app_public.cancel_notification($1)', [id]),
    {
      commit: true,
    },
  );
  await waitUntil('the recipient hears it cancelled', async () => mine[1]);
  t.match(mine, [
    { id, state: 'PENDING', message: 'Bring your notes' },
    { id, state: 'CANCELLED' },
  ]);
  t.same(theirs, [], 'the bystander heard nothing');
});

/** run sends one operation over an open client and resolves with its first result or error. */
function run(client: ReturnType<typeof createClient>, query: string) {
  return new Promise<{
    data?: unknown;
    error?: { message: string; extensions?: { code?: string } };
  }>((resolve) => {
    const stop = client.subscribe(
      { query },
      {
        next: ({ data }) => {
          stop();
          resolve({ data });
        },
        error: (error) => resolve({ error: (Array.isArray(error) ? error[0] : error) as never }),
        complete: () => {},
      },
    );
  });
}

t.test('subscriptions obey the cost limits and the cap on open operations', async (t) => {
  const caller = await createUser(pool, 'student');
  const connect = async () => {
    const client = createClient({
      url: wsUrl(a.base),
      connectionParams: bearer(await signToken(caller, SECRET, 600)),
      retryAttempts: 0,
    });
    t.teardown(() => client.dispose());
    return client;
  };
  const [first, second] = [await connect(), await connect()];
  const query = 'subscription { bookingEvents { id } }';

  // Nested deeper than GRAPHQL_MAX_DEPTH (10): refused before anything runs.
  const deep = await run(
    first,
    'subscription { bookingEvents { booking { student { bookingsAsStudent { nodes { tutor { bookingsAsTutor { nodes { events { nodes { booking { id } } } } } } } } } } } }',
  );
  t.equal(deep.error?.extensions?.code, 'DEPTH');

  // Three open over two sockets (GRAPHQL_MAX_SUBSCRIPTIONS=3): a fourth operation is refused.
  const noop = { next: () => {}, error: () => {}, complete: () => {} };
  first.subscribe({ query }, noop);
  first.subscribe({ query }, noop);
  const third = second.subscribe({ query }, noop);
  await listened('LISTEN', caller);
  const capped = await run(second, '{ __typename }');
  t.equal(capped.error?.extensions?.code, 'SUBSC');
  t.match(capped.error?.message, /GRAPHQL_MAX_SUBSCRIPTIONS allows no more/);

  // Completing one makes room again.
  third();
  const room = await waitUntil(
    'one more fits',
    async () => (await run(second, '{ __typename }')).data,
  );
  t.same(room, { __typename: 'Query' });
});
