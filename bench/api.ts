// Scenario 4: what enqueueing costs the API: requestBooking + acceptBooking pairs per second
// over HTTP, with the timers and reminders they schedule, against the same mutations with job
// scheduling switched off (booking_timers = off). Scenario 5: the bookings list at a fixed rate.
import { signToken } from '../src/http/auth.ts';
import { postAs } from '../support/graphql.ts';
import { spawnRole } from '../support/processes.ts';
import { freshDatabase, people, SECRET, summarize, table } from './lib.ts';

const DURATION_MS = Number(process.env.BENCH_API_SECONDS ?? 15) * 1000;
const CLIENTS = 16;
const READ_RATE = Number(process.env.BENCH_READ_RATE ?? 100);

const REQUEST = `mutation ($tutorId: UUID!, $startsAt: Datetime!, $endsAt: Datetime!) {
  requestBooking(input: { tutorId: $tutorId, startsAt: $startsAt, endsAt: $endsAt, subject: "Bench" }) { booking { id } }
}`;
export const ACCEPT =
  'mutation ($id: UUID!) { acceptBooking(input: { bookingId: $id }) { booking { state } } }';

/** startApiServer runs `schoolbell server` in production mode against the database. */
export function startApiServer(url: string) {
  return spawnRole('server', {
    DATABASE_URL: url,
    JWT_SECRET: SECRET,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // The load comes from a handful of users, far faster than GRAPHQL_RATE_LIMIT allows one.
    GRAPHQL_RATE_LIMIT: 'off',
  });
}

/** pairsPerSecond runs CLIENTS loops of request-then-accept for DURATION_MS. */
async function pairsPerSecond(timers: boolean): Promise<number> {
  const db = await freshDatabase();
  try {
    const { student, tutors } = await people(db.pool, 100);
    await db.pool.query(
      "update app_private.settings set value = $1 where name = 'booking_timers'",
      [timers ? 'on' : 'off'],
    );
    const server = await startApiServer(db.url);
    try {
      const studentToken = await signToken({ id: student, role: 'student' }, SECRET, 3600);
      const tutorTokens = await Promise.all(
        tutors.map((id) => signToken({ id, role: 'tutor' }, SECRET, 3600)),
      );
      const base = Date.now() + 2 * 86_400_000;
      let next = 0;
      let pairs = 0;
      const deadline = Date.now() + DURATION_MS;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (Date.now() < deadline) {
            const k = next++;
            const startsAt = new Date(base + k * 3_600_000);
            const tutor = k % tutors.length;
            const made = await postAs(server.url, studentToken, REQUEST, {
              tutorId: tutors[tutor],
              startsAt: startsAt.toISOString(),
              endsAt: new Date(startsAt.getTime() + 1_800_000).toISOString(),
            });
            const { booking } = made.requestBooking as { booking: { id: string } };
            await postAs(server.url, tutorTokens[tutor] as string, ACCEPT, { id: booking.id });
            pairs++;
          }
        }),
      );
      return pairs / (DURATION_MS / 1000);
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

export async function enqueue(): Promise<string> {
  const off = await pairsPerSecond(false);
  const on = await pairsPerSecond(true);
  let md = table(
    `4. Enqueue cost: requestBooking + acceptBooking pairs/s over HTTP (${CLIENTS} clients, ${DURATION_MS / 1000} s)`,
    ['mutations', 'pairs/s'],
    [
      ['with timers and reminders enqueued (1 expire, 1 start, 4 reminder jobs per pair)', on],
      ['job scheduling switched off', off],
    ],
  );
  const lines = [
    `ratio: ${(on / off).toFixed(2)}`,
    `goal ≥ 0.7: ${on / off >= 0.7 ? 'met' : 'NOT met'}`,
  ];
  for (const line of lines) console.log(`  ${line}`);
  md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  return md;
}

export async function reads(): Promise<string> {
  const db = await freshDatabase();
  try {
    const { student, tutors } = await people(db.pool, 50);
    await db.pool.query(
      `insert into app_public.bookings (student_id, tutor_id, subject, starts_at, ends_at)
       select $1, t, 'Bench', now() + (n * 10 + r) * interval '1 hour', now() + (n * 10 + r) * interval '1 hour' + interval '30 minutes'
       from unnest($2::uuid[]) with ordinality u(t, n), generate_series(1, 10) r`,
      [student, tutors],
    );
    const server = await startApiServer(db.url);
    try {
      const token = await signToken({ id: student, role: 'student' }, SECRET, 3600);
      const query =
        '{ bookings(first: 20, orderBy: STARTS_AT_ASC) { totalCount nodes { id state subject startsAt endsAt tutor { name } } } }';
      const latencies: number[] = [];
      const errors: string[] = [];
      const interval = 1000 / READ_RATE;
      const count = Math.round((READ_RATE * DURATION_MS) / 1000);
      const started = performance.now();
      const inflight: Promise<void>[] = [];
      // Open loop: requests leave on schedule whether or not earlier ones have answered.
      for (let i = 0; i < count; i++) {
        const due = started + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const sent = performance.now();
        inflight.push(
          postAs(server.url, token, query).then(
            () => void latencies.push(performance.now() - sent),
            (error: Error) => void errors.push(error.message),
          ),
        );
      }
      await Promise.all(inflight);
      const s = summarize(latencies);
      const md = table(
        `5. GraphQL reads: the bookings list (20 of 500, with tutors) at ${READ_RATE} requests/s for ${DURATION_MS / 1000} s (ms)`,
        ['requests', 'errors', 'p50', 'p99', 'max'],
        [[s.n, errors.length, s.p50, s.p99, s.max]],
      );
      return md;
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}
