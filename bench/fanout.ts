// Scenario 10: subscription fan-out. One `schoolbell server` (bench/api.ts's, production mode,
// the rate limit off, GRAPHQL_MAX_SUBSCRIPTIONS and DATABASE_POOL_SIZE at their defaults: every
// caller here has one subscription), n students each with a real graphql-ws client subscribed
// to bookingEvents of their own requested booking, plus ADMINS admins subscribed to everyone's.
// Then tutors accept some of those bookings through GraphQL, CONCURRENCY at a time. For each
// delivery: the time from the accept's response (its transaction has committed) to its arrival
// at the subscriber; that every subscriber got exactly its own accepts (each student its one, or
// none; each admin all of them); the CPU the server used; and its resident memory idle, with
// every subscription open, and after the burst. Three runs, N = BENCH_FANOUT_N (1,000): N/10
// subscribers and N/10 accepts, the same accepts with N subscribers (what the idle ones cost),
// and N/5 accepts with N subscribers.
import { type Client, createClient } from 'graphql-ws';
import { signToken } from '../src/http/auth.ts';
import { bearer, postAs, type Signed } from '../support/graphql.ts';
import { waitUntil } from '../support/waiting.ts';
import { ACCEPT, startApiServer } from './api.ts';
import { cpuSeconds, format, freshDatabase, rssMiB, SECRET, summarize, table } from './lib.ts';

const N = Number(process.env.BENCH_FANOUT_N ?? 1000);
const ADMINS = 3;
const TUTORS = 10;
const CONCURRENCY = 4;

const SUBSCRIPTION =
  'subscription ($id: UUID) { bookingEvents(bookingId: $id) { toState booking { id } } }';

/** Subscriber is one graphql-ws client and what it has heard. */
interface Subscriber {
  readonly client: Client;
  readonly userId: string;
  /** bookingId is the student's booking; undefined for an admin (subscribed to all). */
  readonly bookingId?: string;
  /** probed is set once any event arrived: the server listens for this subscriber. */
  probed: boolean;
  /** accepted is each SCHEDULED event heard: its booking and when it arrived. */
  readonly accepted: Array<{ bookingId: string; at: number }>;
  readonly errors: unknown[];
}

interface Result {
  readonly n: number;
  readonly changes: number;
  /** burst is how long the accepts took, the first sent to the last answered (s). */
  readonly burst: number;
  /** serverCpu and benchCpu are the CPU seconds the server and this process used until drained. */
  readonly serverCpu: number;
  readonly benchCpu: number;
  /** drained is from the first accept sent to the last delivery (s). */
  readonly drained: number;
  readonly deliveries: number;
  readonly mismatched: number;
  readonly latency: ReturnType<typeof summarize>;
  readonly idle: number;
  readonly open: number;
  readonly after: number;
}

/** subscribe opens one client as `user` and subscribes to bookingEvents (of one booking, if given). */
async function subscribe(url: string, user: Signed, bookingId?: string): Promise<Subscriber> {
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    connectionParams: bearer(await signToken(user, SECRET, 3600)),
    retryAttempts: 0,
    lazy: false,
  });
  const subscriber: Subscriber = {
    client,
    userId: user.id,
    bookingId,
    probed: false,
    accepted: [],
    errors: [],
  };
  client.subscribe<{ bookingEvents: { toState: string; booking: { id: string } } }>(
    { query: SUBSCRIPTION, variables: { id: bookingId ?? null } },
    {
      next: ({ data }) => {
        const event = data?.bookingEvents;
        if (!event) return;
        subscriber.probed = true;
        if (event.toState === 'SCHEDULED')
          subscriber.accepted.push({ bookingId: event.booking.id, at: performance.now() });
      },
      error: (error) => subscriber.errors.push(error),
      complete: () => {},
    },
  );
  return subscriber;
}

async function run(n: number, changes: number): Promise<Result> {
  const db = await freshDatabase();
  const subscribers: Subscriber[] = [];
  try {
    const users = async (role: string, count: number) =>
      (
        await db.pool.query<{ id: string }>(
          `insert into app_public.users (name, email, role)
           select $1 || ' ' || i, 'bench-' || $1 || '-' || i || '@example.test', $1::app_public.user_role
           from generate_series(1, $2) i returning id`,
          [role, count],
        )
      ).rows.map((row) => row.id);
    const students = await users('student', n);
    const tutors = await users('tutor', TUTORS);
    const admins = await users('admin', ADMINS);
    // One requested booking per student, a tutor's an hour apart, from tomorrow on.
    const { rows: bookings } = await db.pool.query<{ id: string; tutor: string; student: string }>(
      `insert into app_public.bookings (student_id, tutor_id, subject, starts_at, ends_at)
       select s, ($2::uuid[])[1 + k % $3], 'Bench',
              now() + interval '1 day' + (k / $3) * interval '1 hour',
              now() + interval '1 day' + (k / $3) * interval '1 hour' + interval '30 minutes'
       from unnest($1::uuid[]) with ordinality u(s, k)
       returning id, tutor_id as tutor, student_id as student`,
      [students, tutors, TUTORS],
    );
    const server = await startApiServer(db.url);
    try {
      const idle = await rssMiB(server.child.pid as number);
      for (let i = 0; i < n; i += 100) {
        const batch = bookings.slice(i, i + 100);
        subscribers.push(
          ...(await Promise.all(
            batch.map((b) => subscribe(server.url, { id: b.student, role: 'student' }, b.id)),
          )),
        );
      }
      for (const id of admins) subscribers.push(await subscribe(server.url, { id, role: 'admin' }));
      // graphql-ws does not acknowledge a subscription: re-announce each booking's request (its
      // REQUESTED event, ignored below) on the topics of those that heard nothing yet, a round at
      // a time (one announcement each, up to 2 s to hear it), until all have. An announcement
      // made before the server listened is lost, not late: a round sends no one a second one it
      // would still hear, which would leave the server busy when the burst starts.
      for (let round = 1; subscribers.some((s) => !s.probed); round++) {
        if (round > 30) throw new Error('subscriptions not listened for after 30 rounds');
        const waiting = subscribers.filter((s) => !s.probed);
        await db.pool.query(
          `select pg_notify(
                    case when u.role = 'admin' then app_private.subscription_topic('admin')
                         else app_private.subscription_topic('user', u.id) end,
                    json_build_object('id', e.id, 'bookingId', e.booking_id)::text)
           from app_public.users u
           join lateral (select e.id, e.booking_id from app_public.booking_events e
                         join app_public.bookings b on b.id = e.booking_id
                         where u.role = 'admin' or b.student_id = u.id limit 1) e on true
           where u.id = any($1::uuid[])`,
          [waiting.map((s) => s.userId)],
        );
        await waitUntil('a round is heard', async () => waiting.every((s) => s.probed), 2000).catch(
          () => undefined,
        );
      }
      const open = await rssMiB(server.child.pid as number);

      const tokens = new Map(
        await Promise.all(
          tutors.map(
            async (id) => [id, await signToken({ id, role: 'tutor' }, SECRET, 3600)] as const,
          ),
        ),
      );
      const committed = new Map<string, number>();
      let next = 0;
      const started = performance.now();
      const cpuBefore = [await cpuSeconds(server.child.pid as number), process.cpuUsage()] as const;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let k = next++; k < changes; k = next++) {
            const booking = bookings[k] as { id: string; tutor: string };
            await postAs(server.url, tokens.get(booking.tutor) as string, ACCEPT, {
              id: booking.id,
            });
            committed.set(booking.id, performance.now());
          }
        }),
      );
      const burst = (performance.now() - started) / 1000;
      const expected = changes * (1 + ADMINS);
      const heard = () => subscribers.reduce((sum, s) => sum + s.accepted.length, 0);
      await waitUntil('every accept is delivered', async () => heard() >= expected, 60_000).catch(
        () => console.log(`  only ${heard()} of ${expected} deliveries arrived within a minute`),
      );
      const serverCpu = (await cpuSeconds(server.child.pid as number)) - cpuBefore[0];
      const used = process.cpuUsage(cpuBefore[1]);
      const after = await rssMiB(server.child.pid as number);

      const latencies: number[] = [];
      let mismatched = 0;
      for (const s of subscribers) {
        const got = s.accepted.map((a) => a.bookingId).sort();
        const want = s.bookingId
          ? committed.has(s.bookingId)
            ? [s.bookingId]
            : []
          : [...committed.keys()].sort();
        if (got.join() !== want.join() || s.errors.length) mismatched++;
        for (const a of s.accepted) latencies.push(a.at - (committed.get(a.bookingId) ?? a.at));
      }
      const last = Math.max(...subscribers.flatMap((s) => s.accepted.map((a) => a.at)));
      return {
        n,
        changes,
        burst,
        drained: Number.isFinite(last) ? (last - started) / 1000 : Number.NaN,
        serverCpu,
        benchCpu: (used.user + used.system) / 1e6,
        deliveries: heard(),
        mismatched,
        latency: summarize(latencies),
        idle,
        open,
        after,
      };
    } finally {
      await Promise.all(subscribers.map((s) => s.client.dispose()));
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

/** perSubscription is what each open subscription added to the server's RSS (KiB). */
const perSubscription = (r: Result) => ((r.open - r.idle) * 1024) / (r.n + ADMINS);

export async function fanout(): Promise<string> {
  const tenth = Math.max(1, Math.round(N / 10));
  // The same accepts to a tenth of the subscribers, then to all (the cost of the idle ones), then
  // twice as many accepts to all.
  const small = await run(tenth, tenth);
  const large = await run(N, tenth);
  const busier = await run(N, Math.max(1, Math.round(N / 5)));
  let md = table(
    `10. Subscription fan-out: students each subscribed (graphql-ws) to bookingEvents of their own booking, plus ${ADMINS} admins to all, on one \`schoolbell server\` (defaults, rate limit off); then tutors accept some of those bookings over GraphQL, ${CONCURRENCY} at a time. Latency = arrival at the subscriber minus the accept's response (ms); burst = first accept sent to last answered, drained = to the last delivery (s), and the CPU the server and the bench's clients used until then; memory = the server's RSS (MiB)`,
    [
      'subscriptions',
      'accepts',
      'deliveries',
      'mismatched subscribers',
      'p50',
      'p99',
      'max',
      'burst s',
      'drained s',
      'server CPU s',
      'bench CPU s',
      'RSS idle',
      'RSS open',
      'RSS after',
      'KiB per subscription',
    ],
    [small, large, busier].map((r) => [
      `${r.n.toLocaleString('en')} + ${ADMINS}`,
      String(r.changes),
      `${r.deliveries} of ${r.changes * (1 + ADMINS)}`,
      String(r.mismatched),
      r.latency.p50,
      r.latency.p99,
      r.latency.max,
      r.burst,
      r.drained,
      r.serverCpu,
      r.benchCpu,
      r.idle,
      r.open,
      r.after,
      perSubscription(r),
    ]),
  );
  const lines = [
    `the same ${tenth} accepts, p99 delivery latency with ${N} subscriptions open vs ${tenth}: ${format(large.latency.p99 / small.latency.p99)}×`,
    `memory per open subscription: ${format(perSubscription(large))} KiB at ${N}, ${format(perSubscription(small))} KiB at ${tenth}`,
  ];
  for (const line of lines) console.log(`  ${line}`);
  md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  return md;
}
