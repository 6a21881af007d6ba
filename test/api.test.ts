// The GraphQL API over HTTP, as a frontend sees it: a real `schoolbell server` process.
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { BookingState } from '../src/db/db.ts';
import { signToken } from '../src/http/auth.ts';
import { root } from '../src/paths.ts';
import { createTestPool } from '../support/database.ts';
import { createUser, events, importBooking, type User } from '../support/factories.ts';
import { type GraphqlBody, graphqlClient, postGraphql } from '../support/graphql.ts';
import { runCli, serve } from '../support/processes.ts';

const SECRET = 'api-test-secret-that-is-long-enough-0123456789';

const { pool, ...db } = await createTestPool(t, 4);
const { base } = await serve(t, 'server', { DATABASE_URL: db.url, JWT_SECRET: SECRET });
const gql = graphqlClient(base, SECRET);

/** errorOf returns the one GraphQL error of a response, failing loudly when there is none. */
function errorOf(body: GraphqlBody): { message: string; code: unknown } {
  const error = body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(body)}`);
  return { message: error.message, code: error.extensions?.code };
}

const BOOKING = 'id state subject startsAt endsAt student { name } tutor { name }';
const REQUEST = `mutation ($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!, $subject: String!) {
  requestBooking(input: { tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: $subject }) { booking { ${BOOKING} } }
}`;
const ACT = (
  name: string,
  extra = '',
) => `mutation ($bookingId: UUID!${extra ? `, ${extra}` : ''}) {
  ${name}(input: { bookingId: $bookingId${extra ? `, ${extra.replace(/\$(\w+): \w+!?/g, '$1: $$$1')}` : ''} }) { booking { ${BOOKING} } }
}`;
const ACCEPT = ACT('acceptBooking');
const DECLINE = ACT('declineBooking', '$reason: String');
const CANCEL = ACT('cancelBooking', '$reason: String');
const RESCHEDULE = ACT('rescheduleBooking', '$startsAt: Datetime!, $endsAt: Datetime!');
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

async function request(student: User, tutor: User, startsIn = 60, subject = 'Algebra') {
  const { body } = await gql(student, REQUEST, {
    tutorId: tutor.id,
    startsAt: at(startsIn),
    endsAt: at(startsIn + 60),
    subject,
  });
  const booking = (body.data?.requestBooking as { booking: { id: string; state: string } } | null)
    ?.booking;
  if (!booking) throw new Error(`requestBooking failed: ${JSON.stringify(body)}`);
  return booking;
}

const student = await createUser(pool, 'student', { name: 'Sam' });
const tutor = await createUser(pool, 'tutor', { name: 'Tomás' });
const otherStudent = await createUser(pool, 'student', { name: 'Sora' });
const otherTutor = await createUser(pool, 'tutor', { name: 'Tina' });
const admin = await createUser(pool, 'admin', { name: 'Ada' });

t.test('a booking from request to cancellation, as each party sees it', async (t) => {
  const requested = await request(student, tutor);
  t.equal(requested.state, 'REQUESTED');

  const accepted = await gql(tutor, ACCEPT, { bookingId: requested.id });
  t.match(accepted.body.data?.acceptBooking, {
    booking: { state: 'SCHEDULED', student: { name: 'Sam' }, tutor: { name: 'Tomás' } },
  });

  const again = await gql(tutor, ACCEPT, { bookingId: requested.id });
  t.match(
    again.body.data?.acceptBooking,
    { booking: { state: 'SCHEDULED' } },
    'accepting twice is idempotent',
  );

  const moved = await gql(student, RESCHEDULE, {
    bookingId: requested.id,
    startsAt: at(180),
    endsAt: at(240),
  });
  t.match(moved.body.data?.rescheduleBooking, { booking: { state: 'SCHEDULED', startsAt: /.+/ } });

  const cancelled = await gql(tutor, CANCEL, { bookingId: requested.id, reason: 'ill' });
  t.match(cancelled.body.data?.cancelBooking, { booking: { state: 'CANCELLED' } });

  const { body } = await gql(
    student,
    `query ($id: UUID!) { booking(id: $id) { state events { nodes { fromState toState actor reason } } } }`,
    { id: requested.id },
  );
  t.same(
    (
      body.data as { booking: { events: { nodes: Array<{ toState: string; actor: string }> } } }
    ).booking.events.nodes.map((e) => [e.toState, e.actor]),
    [
      ['REQUESTED', `user:${student.id}`],
      ['SCHEDULED', `user:${tutor.id}`],
      ['SCHEDULED', `user:${student.id}`],
      ['CANCELLED', `user:${tutor.id}`],
    ],
    "the booking's events tell its story",
  );
});

t.test('declining, and what each party may not do', async (t) => {
  const booking = await request(student, tutor);
  const studentAccepts = errorOf((await gql(student, ACCEPT, { bookingId: booking.id })).body);
  t.same(studentAccepts, { message: 'only the tutor accepts a booking', code: 'DENYD' });
  const tutorCancels = errorOf((await gql(tutor, CANCEL, { bookingId: booking.id })).body);
  t.equal(tutorCancels.code, 'DENYD');

  const declined = await gql(tutor, DECLINE, { bookingId: booking.id, reason: 'fully booked' });
  t.match(declined.body.data?.declineBooking, { booking: { state: 'DECLINED' } });
  t.match((await events(pool, booking.id)).at(-1), {
    to_state: 'declined',
    reason: 'fully booked',
  });

  const illegal = errorOf((await gql(tutor, ACCEPT, { bookingId: booking.id })).body);
  t.same(illegal, {
    message: `cannot move booking ${booking.id} from declined to scheduled`,
    code: 'ILLTR',
  });
  const reschedule = errorOf(
    (await gql(student, RESCHEDULE, { bookingId: booking.id, startsAt: at(90), endsAt: at(120) }))
      .body,
  );
  t.equal(reschedule.code, 'ILLTR');
  t.match(reschedule.message, /only a scheduled booking can be rescheduled/);
});

t.test('every user action on a booking in every state, through GraphQL', async (t) => {
  // What the tutor's accept and decline and the student's cancel do to a future booking in each
  // state: the move the machine allows, or ILLTR naming both states.
  const outcomes: Record<BookingState, Record<string, BookingState | 'ILLTR'>> = {
    requested: {
      acceptBooking: 'scheduled',
      declineBooking: 'declined',
      cancelBooking: 'cancelled',
    },
    scheduled: { acceptBooking: 'scheduled', declineBooking: 'ILLTR', cancelBooking: 'cancelled' },
    active: { acceptBooking: 'ILLTR', declineBooking: 'ILLTR', cancelBooking: 'ILLTR' },
    ended: { acceptBooking: 'ILLTR', declineBooking: 'ILLTR', cancelBooking: 'ILLTR' },
    expired: { acceptBooking: 'ILLTR', declineBooking: 'ILLTR', cancelBooking: 'ILLTR' },
    declined: { acceptBooking: 'ILLTR', declineBooking: 'declined', cancelBooking: 'ILLTR' },
    cancelled: { acceptBooking: 'ILLTR', declineBooking: 'ILLTR', cancelBooking: 'cancelled' },
  };
  const mutations: Record<string, [string, User]> = {
    acceptBooking: [ACCEPT, tutor],
    declineBooking: [DECLINE, tutor],
    cancelBooking: [CANCEL, student],
  };
  let hour = 2000;
  for (const [state, row] of Object.entries(outcomes) as Array<
    [BookingState, Record<string, string>]
  >) {
    for (const [name, expected] of Object.entries(row)) {
      hour += 2;
      const booking = await importBooking(pool, student, tutor, {
        state,
        startsAt: new Date(Date.now() + hour * 3_600_000),
        endsAt: new Date(Date.now() + (hour + 1) * 3_600_000),
      });
      const [mutation, user] = mutations[name] as [string, User];
      const { body } = await gql(user, mutation, { bookingId: booking.id });
      if (expected === 'ILLTR') {
        const error = errorOf(body);
        t.equal(error.code, 'ILLTR', `${name} on ${state}: refused`);
        t.match(error.message, new RegExp(`from ${state} to |only`), 'naming the states');
      } else {
        t.match(
          body.data?.[name],
          { booking: { state: expected.toUpperCase() } },
          `${name} on ${state}: ${expected}`,
        );
      }
    }
  }
});

t.test('row-level security over HTTP', async (t) => {
  const mine = await request(student, tutor, 300);
  const query = `query ($id: UUID!) { booking(id: $id) { id } }`;
  t.same(
    (await gql(otherStudent, query, { id: mine.id })).body.data,
    { booking: null },
    'another student cannot read it',
  );
  t.same(
    (await gql(admin, query, { id: mine.id })).body.data,
    { booking: { id: mine.id } },
    'an admin can',
  );

  const cancel = errorOf((await gql(otherStudent, CANCEL, { bookingId: mine.id })).body);
  t.same(
    cancel,
    { message: `booking ${mine.id} not found`, code: 'NTFND' },
    'nor cancel it, nor learn it exists',
  );
  const accept = errorOf((await gql(otherTutor, ACCEPT, { bookingId: mine.id })).body);
  t.equal(accept.code, 'NTFND', 'a tutor cannot accept a booking made with someone else');

  const anonymous = await gql(
    null,
    '{ currentUser { id } bookings { totalCount } users { totalCount } }',
  );
  t.same(
    anonymous.body.data,
    { currentUser: null, bookings: { totalCount: 0 }, users: { totalCount: 0 } },
    'no token: nothing',
  );
  const anonymousWrite = errorOf((await gql(null, ACCEPT, { bookingId: mine.id })).body);
  t.equal(anonymousWrite.code, 'LOGIN');

  const me = await gql(tutor, '{ currentUser { name role timeZone } }');
  t.same(me.body.data, { currentUser: { name: 'Tomás', role: 'TUTOR', timeZone: 'UTC' } });
});

t.test('bad, forged, expired and mismatched tokens are refused clearly', async (t) => {
  const query = '{ currentUser { id } }';
  const cases: Array<[string, string, RegExp, number]> = [
    [
      'forged',
      `Bearer ${await signToken(student, 'another-secret-that-is-long-enough-01234', 600)}`,
      /token signature is invalid/,
      401,
    ],
    ['expired', `Bearer ${await signToken(student, SECRET, -60)}`, /token has expired/, 401],
    ['malformed', 'Bearer not.a.jwt', /token is malformed/, 401],
    ['no scheme', 'Token abc', /must be "Bearer <token>"/, 401],
    [
      'mismatched role',
      `Bearer ${await signToken({ id: student.id, role: 'admin' }, SECRET, 600)}`,
      /token role "admin" does not match/,
      200,
    ],
  ];
  for (const [what, header, message, status] of cases) {
    const response = await postGraphql(base, query, {}, { authorization: header });
    t.equal(response.status, status, `${what}: HTTP ${status}`);
    t.match(response.body.errors?.[0]?.message, message, what);
  }
});

t.test('bookings filtered by state and time, ordered, a page at a time', async (t) => {
  const learner = await createUser(pool, 'student');
  const teacher = await createUser(pool, 'tutor');
  const ids: string[] = [];
  for (const startsIn of [600, 720, 840, 960, 1080])
    ids.push((await request(learner, teacher, startsIn)).id);
  await gql(teacher, ACCEPT, { bookingId: ids[1] });
  await gql(teacher, ACCEPT, { bookingId: ids[3] });

  const search = `query ($condition: BookingCondition, $orderBy: [BookingOrderBy!], $first: Int, $last: Int, $after: Cursor, $before: Cursor) {
    bookings(condition: $condition, orderBy: $orderBy, first: $first, last: $last, after: $after, before: $before) {
      totalCount nodes { id state } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;
  type Page = {
    totalCount: number;
    nodes: Array<{ id: string }>;
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string;
      endCursor: string;
    };
  };
  const page = async (variables: Record<string, unknown>) =>
    (await gql(learner, search, { orderBy: ['STARTS_AT_ASC'], ...variables })).body.data
      ?.bookings as Page;
  const idsOf = (p: Page) => p.nodes.map((n) => n.id);

  t.same(idsOf(await page({ condition: { state: 'SCHEDULED' } })), [ids[1], ids[3]], 'by state');
  t.same(
    idsOf(await page({ condition: { states: ['SCHEDULED', 'REQUESTED'] } })),
    ids,
    'by any of several states',
  );
  t.same(
    idsOf(await page({ condition: { startsFrom: at(700), startsBefore: at(900) } })),
    [ids[1], ids[2]],
    'starting within a window [startsFrom, startsBefore)',
  );
  t.same(
    idsOf(await page({ condition: { states: ['REQUESTED'], startsFrom: at(700) } })),
    [ids[2], ids[4]],
    'states and window together',
  );

  const first = await page({ first: 2 });
  t.equal(first.totalCount, 5);
  t.ok(first.pageInfo.hasNextPage);
  const second = await page({ first: 2, after: first.pageInfo.endCursor });
  t.same(
    [...idsOf(first), ...idsOf(second)],
    ids.slice(0, 4),
    'cursors continue where the page ended',
  );
  const back = await page({ last: 2, before: second.pageInfo.endCursor });
  t.same(idsOf(back), ids.slice(1, 3), 'last/before page backwards from a cursor');
  t.ok(back.pageInfo.hasPreviousPage);
  const latest = await page({ orderBy: ['STARTS_AT_DESC'], first: 1 });
  t.same(idsOf(latest), [ids[4]], 'orderBy applies to the filtered list');

  const changed = await page({ orderBy: ['UPDATED_AT_DESC'], first: 2 });
  t.same(idsOf(changed), [ids[3], ids[1]], 'the most recently changed first (accepted last)');

  const outside = await gql(learner, search, { condition: { startsBefore: 'infinity' } });
  t.same(errorOf(outside.body), {
    message: 'startsBefore (infinity) must lie between 1900-01-01 and 9999-01-01',
    code: 'BADIN',
  });
});

t.test('bad input gets a clear error and changes nothing', async (t) => {
  const count = async () =>
    Number((await pool.query('select count(*) from app_public.bookings')).rows[0].count);
  const before = await count();
  const variables = { tutorId: tutor.id, startsAt: at(60), endsAt: at(120), subject: 'Algebra' };
  const cases: Array<[string, Record<string, unknown>, RegExp, string | undefined]> = [
    [
      'ends before it starts',
      { ...variables, endsAt: at(30) },
      /endsAt .* must be after startsAt/,
      'BADIN',
    ],
    [
      'in the past',
      { ...variables, startsAt: at(-120), endsAt: at(-60) },
      /must lie in the future/,
      'BADIN',
    ],
    ['not a tutor', { ...variables, tutorId: otherStudent.id }, /no tutor with id/, 'NTFND'],
    [
      'empty subject',
      { ...variables, subject: '   ' },
      /subject must have 1 to 200 characters/,
      'BADIN',
    ],
    [
      'not a date',
      { ...variables, startsAt: 'next tuesday-ish' },
      /invalid input syntax for type timestamp/,
      '22007',
    ],
    ['not a uuid', { ...variables, tutorId: 'tutor-1' }, /Invalid UUID/, undefined],
    [
      'a number for a string',
      { ...variables, subject: 42 },
      /String cannot represent a non string value/,
      undefined,
    ],
    ['a NUL byte', { ...variables, subject: 'Alge\u0000bra' }, /invalid byte sequence/, '22021'],
    ['infinity', { ...variables, endsAt: 'infinity' }, /must be real times/, 'BADIN'],
    [
      'beyond BOOKING_HORIZON',
      { ...variables, startsAt: at(400 * 1440), endsAt: at(400 * 1440 + 60) },
      /too far ahead: sessions start within BOOKING_HORIZON \(365 days\)/,
      'BADIN',
    ],
    [
      'in year 294276',
      { ...variables, startsAt: '294276-01-01T10:00:00Z', endsAt: '294276-01-01T11:00:00Z' },
      /startsAt .* must lie between 1900-01-01 and 9999-01-01/,
      'BADIN',
    ],
  ];
  for (const [what, vars, message, code] of cases) {
    const { body } = await gql(student, REQUEST, vars);
    const error = errorOf(body);
    t.match(error.message, message, what);
    if (code) t.equal(error.code, code, `${what}: ${code}`);
  }

  const hostile = `Robert'); drop table app_public.bookings; --<script>alert(1)</script> ☃`;
  const stored = await gql(student, REQUEST, { ...variables, subject: hostile });
  t.match(
    stored.body.data?.requestBooking,
    { booking: { subject: hostile } },
    'hostile text is stored as text',
  );
  t.equal(await count(), before + 1, 'and only the good request was written');

  const malformed = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query": "{',
  });
  t.equal(malformed.status, 400, 'malformed JSON: 400');
  t.match(await malformed.text(), /Parsing failed/);

  const huge = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(200_000) } }),
  });
  t.equal(huge.status, 413, 'an oversized body: 413');
  t.equal(await count(), before + 1);
});

t.test('a second request for an overlapping time is refused with DUPRQ', async (t) => {
  const first = await request(student, otherTutor, 3000);
  const duplicate = await gql(student, REQUEST, {
    tutorId: otherTutor.id,
    startsAt: at(3030),
    endsAt: at(3090),
    subject: 'Algebra again',
  });
  const error = errorOf(duplicate.body);
  t.equal(error.code, 'DUPRQ');
  t.match(error.message, /you already have an open request with this tutor overlapping/);
  await gql(student, CANCEL, { bookingId: first.id });
  const again = await gql(student, REQUEST, {
    tutorId: otherTutor.id,
    startsAt: at(3030),
    endsAt: at(3090),
    subject: 'Algebra again',
  });
  t.match(
    again.body.data?.requestBooking,
    { booking: { state: 'REQUESTED' } },
    'once the first is cancelled, the student may ask again',
  );
});

t.test('unexpected errors stay masked, domain errors do not, in production', async (t) => {
  const { pool: prodPool, ...prodDb } = await createTestPool(t, 2);
  const learner = await createUser(prodPool, 'student');
  const teacher = await createUser(prodPool, 'tutor');
  const { base: prodBase } = await serve(t, 'server', {
    DATABASE_URL: prodDb.url,
    JWT_SECRET: SECRET,
    NODE_ENV: 'production',
  });
  const prodGql = graphqlClient(prodBase, SECRET);
  const vars = { tutorId: teacher.id, startsAt: at(-60), endsAt: at(60), subject: 'x' };

  const domain = await prodGql(learner, REQUEST, vars);
  t.same(errorOf(domain.body).code, 'BADIN', 'a domain error passes with its code');

  // Break the database behind the API's back: the failure is internal, not the client's.
  await prodPool.query('alter table app_private.settings rename to settings_gone');
  const broken = await prodGql(learner, REQUEST, { ...vars, startsAt: at(60), endsAt: at(120) });
  t.match(errorOf(broken.body).message, /^An error occurred \(logged with hash: /);
  t.notMatch(JSON.stringify(broken.body), /settings/, 'nothing about the internals leaks');
});

t.test('schema.graphql is the live schema', async (t) => {
  const committed = await fs.readFile(path.join(root, 'schema.graphql'), 'utf8');
  const { printGraphqlSchema } = await import('../src/http/graphql.ts');
  const { parseConfig } = await import('../src/config.ts');
  const live = await printGraphqlSchema(parseConfig({}), pool);
  t.equal(live, committed, 'schema.graphql is stale: run `npm run schema` and review the diff');
});

t.test('schema.sql is the live schema', async (t) => {
  const { dumpSchema, pgDumpMajor } = await import('../src/db/schema-dump.ts');
  const dumper = await pgDumpMajor();
  const { rows } = await pool.query<{ major: number }>(
    "select current_setting('server_version_num')::int / 10000 as major",
  );
  const server = rows[0]?.major ?? 0;
  if (dumper === undefined || dumper < server) {
    t.pass(
      `skipped: pg_dump ${dumper ?? '(none)'} cannot dump a PostgreSQL ${server} server (set PG_DUMP)`,
    );
    return;
  }
  const committed = await fs.readFile(path.join(root, 'schema.sql'), 'utf8');
  const live = await dumpSchema(db.url);
  t.equal(live, committed, 'schema.sql is stale: run `npm run schema` and review the diff');
});

t.test('schoolbell token prints a token the API accepts', async (t) => {
  const cli = runCli(t, ['token', '--user', tutor.id], {
    DATABASE_URL: db.url,
    JWT_SECRET: SECRET,
  });
  t.equal(await cli.exited, 0);
  const token = cli.output().trim().split('\n').at(-1) as string;
  const { body } = await postGraphql(
    base,
    '{ currentUser { name } }',
    {},
    { authorization: `Bearer ${token}` },
  );
  t.same(body.data, { currentUser: { name: 'Tomás' } });

  const unknown = runCli(t, ['token', '--user', '22222222-2222-4222-8222-222222222222'], {
    DATABASE_URL: db.url,
  });
  t.equal(await unknown.exited, 67, 'EX_NOUSER');
  t.match(unknown.output(), /no user with id 22222222/);
  const missing = runCli(t, ['token'], { DATABASE_URL: db.url });
  t.equal(await missing.exited, 64, 'EX_USAGE');
  t.match(missing.output(), /--user <id> is required/);
});
