// The README's GraphQL operations, run verbatim through urql with its default settings (queries
// over GET, mutations over POST) against a real `schoolbell server` and its seeded users: what a
// frontend developer following the README would do, and see.
import { Client, fetchExchange } from '@urql/core';
import t from 'tap';
import { SEED_USERS } from '../src/db/seed.ts';
import { signToken } from '../src/http/auth.ts';
import { createTestDatabase } from '../support/database.ts';
import { serve } from '../support/processes.ts';
import { type ReadmeOperation, readmeOperations } from '../support/readme.ts';

const SECRET = 'client-test-secret-that-is-long-enough-0123456';
const db = await createTestDatabase(t);
// Outside production the server seeds the README's users, as `npm start` does.
const server = await serve(t, 'server', { DATABASE_URL: db.url, JWT_SECRET: SECRET });
const operations = await readmeOperations();

/** sent records the method of every request urql makes, by operation name. */
const sent: Array<{ method: string; operationName: string | undefined }> = [];

/** clientAs is urql, with its defaults, signed in as the seeded user of that name. */
async function clientAs(name: string | undefined): Promise<Client> {
  const user = SEED_USERS.find((seeded) => seeded.name === name);
  if (name !== undefined && !user)
    throw new Error(`the README runs an operation as ${name}, who is not seeded`);
  const token = user ? await signToken(user, SECRET, 600) : undefined;
  return new Client({
    url: `${server.base}/graphql`,
    exchanges: [fetchExchange],
    fetchOptions: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    fetch: (input, init) => {
      const url = new URL(String(input));
      const body =
        typeof init?.body === 'string' ? (JSON.parse(init.body) as { operationName?: string }) : {};
      sent.push({
        method: init?.method ?? 'GET',
        operationName: url.searchParams.get('operationName') ?? body.operationName,
      });
      return fetch(input, init);
    },
  });
}

/** run sends one README operation as the README says, and returns its data or fails with its errors. */
async function run(operation: ReadmeOperation, variables: Record<string, unknown> = {}) {
  const client = await clientAs(operation.as);
  const result =
    operation.type === 'mutation'
      ? await client.mutation(operation.document, variables).toPromise()
      : await client.query(operation.document, variables).toPromise();
  if (result.error) throw new Error(`${operation.name}: ${result.error.message}`);
  return result.data as Record<string, unknown>;
}

interface BookingShape {
  id: string;
  state: string;
  subject?: string;
  tutor?: { name: string };
  student?: { name: string };
}

t.test('the README names its operations and says who runs them', async (t) => {
  t.ok(operations.length >= 4, `${operations.length} operations`);
  for (const name of ['Me', 'RequestBooking', 'AcceptBooking', 'MyBookings', 'UpcomingBookings']) {
    t.ok(
      operations.some((operation) => operation.name === name),
      `${name} is in the README`,
    );
  }
});

t.test('each README operation works through urql, as the README says', async (t) => {
  // What the earlier operations made, for the later ones' variables.
  let bookingId: string | undefined;
  // Tomorrow at this hour: within BOOKING_HORIZON, as the README asks.
  const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
  const variablesOf: Record<string, () => Record<string, unknown>> = {
    RequestBooking: () => ({
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    }),
    AcceptBooking: () => ({ bookingId }),
    // From the hour the booking starts: it is in the window; a booking an hour earlier is not.
    UpcomingBookings: () => ({ from: startsAt.toISOString() }),
  };
  // What a user would check in each result; enum values compared without regard to case,
  // since the schema's casing is the README's to follow.
  const checks: Record<string, (data: Record<string, unknown>) => void> = {
    Me: (data) => {
      t.match(data.currentUser, { name: 'Sam Student', timeZone: 'Europe/London' }, 'Me: Sam');
    },
    RequestBooking: (data) => {
      const booking = (data.requestBooking as { booking: BookingShape & { expiresAt: string } })
        .booking;
      t.match(booking.state, /^requested$/i, 'RequestBooking: requested');
      t.equal(booking.tutor?.name, 'Tomás Tutor', 'RequestBooking: with Tomás');
      t.ok(Date.parse(booking.expiresAt) > Date.now(), 'RequestBooking: expires later');
      bookingId = booking.id;
    },
    AcceptBooking: (data) => {
      const booking = (data.acceptBooking as { booking: BookingShape }).booking;
      t.equal(booking.id, bookingId, 'AcceptBooking: the booking requested');
      t.match(booking.state, /^scheduled$/i, 'AcceptBooking: scheduled');
      t.equal(booking.student?.name, 'Sam Student', 'AcceptBooking: with Sam');
    },
    MyBookings: (data) => {
      const bookings = data.bookings as { totalCount: number; nodes: BookingShape[] };
      const mine = bookings.nodes.find((booking) => booking.id === bookingId);
      t.match(mine, { subject: 'Algebra', tutor: { name: 'Tomás Tutor' } }, 'MyBookings: it');
      t.match(mine?.state, /^scheduled$/i, 'MyBookings: scheduled');
    },
    UpcomingBookings: (data) => {
      const bookings = data.bookings as {
        nodes: (BookingShape & { startsAt: string })[];
        pageInfo: { endCursor: string | null };
      };
      t.ok(
        bookings.nodes.some((booking) => booking.id === bookingId),
        'UpcomingBookings: the scheduled booking is in the window',
      );
      t.ok(
        bookings.nodes.every((booking) => Date.parse(booking.startsAt) >= startsAt.getTime()),
        'UpcomingBookings: nothing before the window',
      );
      t.ok(bookings.pageInfo.endCursor, 'UpcomingBookings: a cursor to page on');
    },
  };

  for (const operation of operations) {
    const data = await run(operation, variablesOf[operation.name]?.() ?? {});
    const check = checks[operation.name];
    // A new README operation needs a check here: answering without errors is not enough.
    if (check) check(data);
    else t.fail(`${operation.name}: the README has it, this test does not check its result`);
  }

  // urql's defaults: queries over GET, mutations over POST, and each got an answer.
  for (const operation of operations) {
    const methods = sent.filter((request) => request.operationName === operation.name);
    t.same(
      methods.map((request) => request.method),
      [operation.type === 'query' ? 'GET' : 'POST'],
      `${operation.name} went over ${operation.type === 'query' ? 'GET' : 'POST'}`,
    );
  }
});

t.test('readmeOperations refuses an unnamed operation', async (t) => {
  const fs = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'readme-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'README.md');
  await fs.writeFile(file, '# x\n\n```graphql\n{ currentUser { name } }\n```\n');
  await t.rejects(readmeOperations(file), /has no name/);
});
