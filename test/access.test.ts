// Who reads what: contact data, admins' ids and delivery errors, through GraphQL over HTTP (a real
// `schoolbell server`) and in SQL as the request role.
import t from 'tap';
import { markNotificationFailed } from '../src/db/queries.ts';
import { createTestPool, sqlError } from '../support/database.ts';
import {
  acceptBooking,
  asUser,
  createUser,
  inTransaction,
  requestBooking,
  type User,
} from '../support/factories.ts';
import { dataOf, type GraphqlBody, graphqlClient } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';

const SECRET = 'access-test-secret-that-is-long-enough-0123';
const { pool, ...db } = await createTestPool(t, 4);
const { base } = await serve(t, 'server', { DATABASE_URL: db.url, JWT_SECRET: SECRET });
const client = graphqlClient(base, SECRET);
const gql = async (user: User | null, query: string, variables: Record<string, unknown> = {}) =>
  (await client(user, query, variables)).body;

const student = await createUser(pool, 'student', { name: 'Sam', phone: '+44 7700 900003' });
const otherStudent = await createUser(pool, 'student', { name: 'Sora', phone: '+81 90 0000 0004' });
const tutor = await createUser(pool, 'tutor', { name: 'Tomás', phone: '+34 600 000 001' });
const admin = await createUser(pool, 'admin', { name: 'Ada', phone: '+1 555 0100' });
const everyone = [student, otherStudent, tutor, admin];
const contacts = new Map<string, { email: string; phone: string | null }>(
  (await pool.query('select id, email, phone from app_public.users')).rows.map((r) => [
    r.id,
    { email: r.email, phone: r.phone },
  ]),
);
// The tutor and the student share a booking, so each may see the other's profile.
const shared = await requestBooking(pool, student, tutor, { startsIn: 600 });

type Person = { id: string; name: string; email: string | null; phone: string | null };

t.test(
  'contact data over GraphQL: yours, or everyone’s for an admin; else a profile',
  async (t) => {
    const query = `{
    currentUser { id email phone }
    users { nodes { id name email phone } }
  }`;
    const seen = async (viewer: User) => {
      const data = dataOf(await gql(viewer, query)) as {
        currentUser: { id: string; email: string; phone: string };
        users: { nodes: Person[] };
      };
      return { me: data.currentUser, users: new Map(data.users.nodes.map((u) => [u.id, u])) };
    };

    for (const viewer of [student, otherStudent, tutor]) {
      const { me, users } = await seen(viewer);
      t.same(me, { id: viewer.id, ...contacts.get(viewer.id) }, `${viewer.name} sees their own`);
      for (const [id, user] of users) {
        if (id === viewer.id) continue;
        t.same(
          [user.email, user.phone],
          [null, null],
          `${viewer.name} sees ${user.name}'s name, not their email or phone`,
        );
        t.ok(user.name, 'the public profile is there');
      }
    }
    t.ok((await seen(student)).users.has(tutor.id), 'a student sees tutors');
    t.ok((await seen(tutor)).users.has(student.id), 'a tutor sees the students of their bookings');

    const { users } = await seen(admin);
    for (const person of everyone) {
      t.same(
        { email: users.get(person.id)?.email, phone: users.get(person.id)?.phone },
        contacts.get(person.id),
        `an admin sees ${person.name}'s contact data`,
      );
    }

    const single = dataOf(
      await gql(otherStudent, `query ($id: UUID!) { user(id: $id) { name email phone } }`, {
        id: tutor.id,
      }),
    );
    t.same(single, { user: { name: 'Tomás', email: null, phone: null } }, 'user(id) too');
    const nested = dataOf(
      await gql(
        tutor,
        `query ($id: UUID!) { booking(id: $id) { student { name email phone } tutor { email } } }`,
        { id: shared.id },
      ),
    );
    t.same(
      nested,
      {
        booking: {
          student: { name: 'Sam', email: null, phone: null },
          tutor: { email: contacts.get(tutor.id)?.email },
        },
      },
      'and through a booking: the other party’s profile, your own contact data',
    );

    const anonymous = await gql(null, '{ currentUser { email } users { totalCount } }');
    t.same(
      anonymous.data,
      { currentUser: null, users: { totalCount: 0 } },
      'without a token, none',
    );
  },
);

t.test('contact data in SQL as the request role', async (t) => {
  const denied = await sqlError(
    asUser(pool, student, (c) => c.query('select email from app_public.users')),
  );
  t.equal(denied.code, '42501', 'the columns themselves are not readable');
  t.match(denied.message, /permission denied/);
  const phones = await sqlError(
    asUser(pool, admin, (c) => c.query('select phone from app_public.users')),
  );
  t.equal(phones.code, '42501', 'not even for an admin: they read through the function');

  const through = (viewer: User | null) =>
    asUser(pool, viewer, async (c) => {
      const { rows } = await c.query(
        `select u.id, app_hidden.user_email(u.id) as email, app_hidden.user_phone(u.id) as phone
           from app_public.users u where u.id = any($1)`,
        [everyone.map((u) => u.id)],
      );
      return new Map(rows.map((r) => [r.id, { email: r.email, phone: r.phone }]));
    });
  const mine = await through(student);
  t.same(mine.get(student.id), contacts.get(student.id), 'a student reads their own');
  t.same(mine.get(tutor.id), { email: null, phone: null }, 'and not a tutor’s');
  const direct = await asUser(
    pool,
    otherStudent,
    async (c) =>
      (
        await c.query(
          'select app_hidden.user_email($1) as email, app_hidden.user_phone($1) as phone',
          [student.id],
        )
      ).rows[0],
  );
  t.same(direct, { email: null, phone: null }, 'nor anyone’s by asking for their id');
  const all = await through(admin);
  for (const person of everyone) t.same(all.get(person.id), contacts.get(person.id));
  t.same(
    await asUser(
      pool,
      null,
      async (c) => (await c.query('select app_hidden.user_email($1) as email', [admin.id])).rows,
    ),
    [{ email: null }],
    'without a token, nothing',
  );
});

t.test('an admin’s id stays with admins in the audit trail', async (t) => {
  const booking = await requestBooking(pool, student, tutor, { startsIn: 900 });
  await acceptBooking(pool, tutor, booking.id);
  const cancel = await gql(
    admin,
    `mutation ($id: UUID!) { cancelBooking(input: { bookingId: $id, reason: "tutor ill" }) { booking { state } } }`,
    { id: booking.id },
  );
  t.match(dataOf(cancel), { cancelBooking: { booking: { state: 'CANCELLED' } } });

  const trail = async (viewer: User) =>
    (
      dataOf(
        await gql(
          viewer,
          `query ($id: UUID!) { booking(id: $id) { events(orderBy: ID_ASC) { nodes { toState actor reason } } } }`,
          { id: booking.id },
        ),
      ) as { booking: { events: { nodes: Array<{ toState: string; actor: string }> } } }
    ).booking.events.nodes.map((e) => [e.toState, e.actor]);

  const parties = [
    ['REQUESTED', `user:${student.id}`],
    ['SCHEDULED', `user:${tutor.id}`],
  ];
  t.same(await trail(student), [...parties, ['CANCELLED', 'admin']], 'the student sees “admin”');
  t.same(await trail(tutor), [...parties, ['CANCELLED', 'admin']], 'so does the tutor');
  t.same(
    await trail(admin),
    [...parties, ['CANCELLED', `user:${admin.id}`]],
    'an admin sees who it was',
  );
  const root = dataOf(await gql(student, '{ bookingEvents { nodes { actor } } }')) as {
    bookingEvents: { nodes: Array<{ actor: string }> };
  };
  t.notOk(
    JSON.stringify(root).includes(admin.id),
    'the root list of events does not show it either',
  );

  const denied = await sqlError(
    asUser(pool, student, (c) => c.query('select actor from app_public.booking_events')),
  );
  t.equal(denied.code, '42501', 'in SQL the column is not readable');
  const sqlTrail = await asUser(pool, student, async (c) =>
    (
      await c.query(
        'select app_hidden.booking_event_actor(id) as actor from app_public.booking_events where booking_id = $1 order by id',
        [booking.id],
      )
    ).rows.map((r) => r.actor),
  );
  t.same(sqlTrail, [`user:${student.id}`, `user:${tutor.id}`, 'admin'], 'the function masks it');
  const eventIds = (
    await pool.query('select id from app_public.booking_events where booking_id = $1', [booking.id])
  ).rows.map((r) => r.id);
  const stranger = await asUser(pool, otherStudent, async (c) =>
    (
      await c.query(
        'select app_hidden.booking_event_actor(id) as actor from unnest($1::bigint[]) id',
        [eventIds],
      )
    ).rows.map((r) => r.actor),
  );
  t.same(stranger, [null, null, null], 'and tells a stranger nothing about events they cannot see');

  // By name (BookingEvent.actorName, what the admin page shows): masked the same way.
  const names = async (viewer: User) =>
    (
      dataOf(
        await gql(
          viewer,
          `query ($id: UUID!) { booking(id: $id) { events(orderBy: ID_ASC) { nodes { actorName } } } }`,
          { id: booking.id },
        ),
      ) as { booking: { events: { nodes: Array<{ actorName: string }> } } }
    ).booking.events.nodes.map((e) => e.actorName);
  t.same(
    await names(student),
    ['Sam', 'Tomás', 'an admin'],
    'the student sees names, not the admin’s',
  );
  t.same(await names(admin), ['Sam', 'Tomás', 'Ada'], 'an admin sees every name');
  const strangerNames = await asUser(pool, otherStudent, async (c) =>
    (
      await c.query(
        'select app_hidden.booking_event_actor_name(id) as name from unnest($1::bigint[]) id',
        [eventIds],
      )
    ).rows.map((r) => r.name),
  );
  t.same(strangerNames, [null, null, null], 'a stranger learns no name');
});

t.test('notifications: the recipient sees the state, an admin sees who and why', async (t) => {
  const scheduled = await gql(
    admin,
    `mutation ($to: UUID!) { scheduleNotification(input: { recipientId: $to, channel: WEBHOOK, message: "Room changed", runAt: "2099-01-01T00:00:00Z" }) { notification { id scheduledById } } }`,
    { to: student.id },
  );
  const { id } = (dataOf(scheduled) as { scheduleNotification: { notification: { id: string } } })
    .scheduleNotification.notification;
  t.match(dataOf(scheduled), {
    scheduleNotification: { notification: { scheduledById: admin.id } },
  });
  // The worker's own query records a failed delivery, with the gateway's answer.
  const gatewayError =
    'webhook https://gateway.example.test/notify?token=s3cret answered 500: boom';
  await inTransaction(pool, (c) => markNotificationFailed(c, id, gatewayError, undefined), {
    commit: true,
  });

  const NOTIFICATION = 'id state attempts lastError scheduledById scheduledBy { id name }';
  const seen = async (viewer: User) =>
    dataOf(
      await gql(
        viewer,
        `query ($id: UUID!) {
          notification(id: $id) { ${NOTIFICATION} }
          notifications { nodes { ${NOTIFICATION} } }
        }`,
        { id },
      ),
    ) as {
      notification: Record<string, unknown> | null;
      notifications: { nodes: Array<Record<string, unknown>> };
    };

  const recipient = await seen(student);
  const masked = {
    id,
    state: 'FAILED',
    attempts: 1,
    lastError: null,
    scheduledById: null,
    scheduledBy: null,
  };
  t.same(recipient.notification, masked, 'the recipient sees the state and the attempts only');
  t.same(
    recipient.notifications.nodes.find((n) => n.id === id),
    masked,
    'in the list too',
  );
  const mine = dataOf(
    await gql(
      student,
      '{ currentUser { notifications { nodes { id lastError scheduledById } } } }',
    ),
  ) as { currentUser: { notifications: { nodes: Array<Record<string, unknown>> } } };
  t.same(
    mine.currentUser.notifications.nodes.find((n) => n.id === id),
    { id, lastError: null, scheduledById: null },
    'and through their user',
  );
  t.same((await seen(otherStudent)).notification, null, 'another student sees nothing');

  t.same(
    (await seen(admin)).notification,
    {
      id,
      state: 'FAILED',
      attempts: 1,
      lastError: gatewayError,
      scheduledById: admin.id,
      scheduledBy: { id: admin.id, name: 'Ada' },
    },
    'an admin sees everything',
  );

  for (const column of ['last_error', 'scheduled_by_id']) {
    const denied = await sqlError(
      asUser(pool, student, (c) => c.query(`select ${column} from app_public.notifications`)),
    );
    t.equal(denied.code, '42501', `${column} is not readable in SQL`);
  }
  const sqlSeen = (viewer: User) =>
    asUser(
      pool,
      viewer,
      async (c) =>
        (
          await c.query(
            `select state, attempts, app_hidden.notification_last_error(id) as last_error,
                  app_hidden.notification_scheduled_by_id(id) as scheduled_by_id
             from app_public.notifications where id = $1`,
            [id],
          )
        ).rows,
    );
  t.same(await sqlSeen(student), [
    { state: 'failed', attempts: 1, last_error: null, scheduled_by_id: null },
  ]);
  t.same(await sqlSeen(admin), [
    { state: 'failed', attempts: 1, last_error: gatewayError, scheduled_by_id: admin.id },
  ]);
});

t.test('masked fields cannot be filtered or sorted on', async (t) => {
  const body: GraphqlBody = await gql(
    admin,
    `{ notifications(condition: { scheduledById: "${admin.id}" }) { totalCount } }`,
  );
  t.match(body.errors?.[0]?.message, /scheduledById/, 'no condition on scheduledById');
  const sorted = await gql(admin, '{ users(orderBy: EMAIL_ASC) { totalCount } }');
  t.match(sorted.errors?.[0]?.message, /EMAIL_ASC/, 'no order by email');
});
