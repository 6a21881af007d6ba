// Scenario 8: what the worst operation the limits still allow does to everyone else. A normal
// bookings list is read at a fixed rate, first alone, then while a few attackers (a loop each,
// in a worker thread) send the most expensive allowed operation back to back; the ratio of the
// two p99s is the measure. Twice: without the rate limit (what one operation can do), and
// with the defaults, where GRAPHQL_RATE_LIMIT bills each operation by its cost.
import { Worker } from 'node:worker_threads';
import { parseConfig } from '../src/config.ts';
import { signToken } from '../src/http/auth.ts';
import { HEAVY_COST, type Limits } from '../src/http/limits.ts';
import { postAs } from '../support/graphql.ts';
import { spawnRole } from '../support/processes.ts';
import type { AttackerOptions } from './attacker.ts';
import { freshDatabase, people, SECRET, summarize, table } from './lib.ts';

const DURATION_MS = Number(process.env.BENCH_ABUSE_SECONDS ?? 15) * 1000;
const RATE = Number(process.env.BENCH_ABUSE_RATE ?? 20);
const ATTACKERS = Number(process.env.BENCH_ABUSE_ATTACKERS ?? 3);
/** READERS share the reading so that no reader alone goes over the default rate limit. */
const READERS = 20;
const ATTACKER_BOOKINGS = 2000;
/** ATTACKS_PER_SERVER: the heavy attack and the light one. */
const ATTACKS_PER_SERVER = 2;

const NORMAL =
  '{ bookings(first: 20, orderBy: STARTS_AT_ASC) { totalCount nodes { id state subject startsAt endsAt tutor { name } } } }';

/**
 * candidates are operations just inside the limits (the defaults, or GRAPHQL_* overrides in
 * the environment, which both servers get too); the slowest of them is the attack.
 */
function candidates(limits: Limits): Record<string, string> {
  const page = limits.maxPageSize;
  const most = Math.min(limits.maxRootFields, limits.maxAliases);
  const roots = Math.max(1, Math.min(most, Math.floor(limits.maxCost / (3 + page * 5))));
  const searches = Math.max(1, Math.min(most, Math.floor(limits.maxCost / (3 + page * 4))));
  const outer = Math.min(page, 100);
  const inner = Math.max(1, Math.min(page, Math.floor((limits.maxCost / outer - 8) / 5)));
  return {
    [`${roots} root fields of ${page} rows`]: `{ ${Array.from(
      { length: roots },
      (_, i) =>
        `r${i}: bookings(first: ${page}, offset: ${i * 100}) { totalCount nodes { id state subject startsAt endsAt } }`,
    ).join(' ')} }`,
    [`nested back-relations, ${outer} × ${inner} rows`]: `{ bookings(first: ${outer}) { nodes { id tutor { name
      bookingsAsTutor(first: ${inner}) { totalCount nodes { id state subject startsAt endsAt } } } } } }`,
    [`${searches} searches of ${page} rows`]: `{ ${Array.from(
      { length: searches },
      (_, i) =>
        `s${i}: bookings(first: ${page}, condition: { states: [REQUESTED, SCHEDULED] }) { totalCount nodes { id subject startsAt endsAt } }`,
    ).join(' ')} }`,
  };
}

/** LIMIT_ENV passes the bench's GRAPHQL_* limit overrides on to the servers. */
const LIMIT_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      /^GRAPHQL_(MAX|DEFAULT)_/.test(entry[0]) && entry[1] !== undefined,
  ),
);

/** readAtRate sends the normal query at RATE per second for DURATION_MS (open loop), by turns. */
async function readAtRate(url: string, tokens: string[]) {
  const latencies: number[] = [];
  const errors: string[] = [];
  const count = Math.round((RATE * DURATION_MS) / 1000);
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    inflight.push(
      postAs(url, tokens[i % tokens.length] as string, NORMAL).then(
        () => void latencies.push(performance.now() - sent),
        (error: Error) => void errors.push(error.message),
      ),
    );
  }
  await Promise.all(inflight);
  return { ...summarize(latencies), errors: errors.length };
}

/** Phase is one reader measurement: alone, or against attacker loops. */
type Phase = ReturnType<typeof summarize> & { errors: number; attacks: number; refused: number };

/**
 * measure reads at RATE while the attackers (a loop each, in a worker thread) send `attack`
 * back to back; a refused attacker waits as long as Retry-After says.
 */
async function measure(
  url: string,
  readers: string[],
  attackers: string[],
  attack: string,
): Promise<Phase> {
  const options: AttackerOptions = {
    url,
    tokens: attackers,
    query: attack,
    durationMs: DURATION_MS,
  };
  const worker = attackers.length
    ? new Worker(new URL('./attacker.ts', import.meta.url), { workerData: options })
    : undefined;
  const outcome = worker
    ? new Promise<{ attacks: number; refused: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      })
    : Promise.resolve({ attacks: 0, refused: 0 });
  const read = await readAtRate(url, readers);
  const { attacks, refused } = await outcome;
  await worker?.terminate();
  return { ...read, attacks, refused };
}

export async function abuse(): Promise<string> {
  const db = await freshDatabase();
  try {
    const { tutors } = await people(db.pool, 50);
    const student = (name: string) =>
      db.pool
        .query<{ id: string }>(
          "insert into app_public.users (name, email, role) values ($1, $1 || '@example.test', 'student') returning id",
          [name],
        )
        .then(({ rows }) => (rows[0] as { id: string }).id);
    const readerIds: string[] = [];
    for (let i = 0; i < READERS; i++) readerIds.push(await student(`bench-reader-${i}`));
    // Fresh attackers for each attack, so that one attack's spent budget does not spare the next.
    const attackerIds: string[] = [];
    for (let i = 0; i < ATTACKERS * ATTACKS_PER_SERVER; i++) {
      attackerIds.push(await student(`bench-attacker-${i}`));
    }
    // Readers: 25 bookings each; attackers: 2,000 each, so that every page is full. Every
    // booking has an hour of its own, so no tutor is booked twice at once.
    const owners = [
      ...readerIds.flatMap((id) => Array<string>(25).fill(id)),
      ...attackerIds.flatMap((id) => Array<string>(ATTACKER_BOOKINGS).fill(id)),
    ];
    await db.pool.query(
      `insert into app_public.bookings (student_id, tutor_id, subject, starts_at, ends_at)
       select s, ($2::uuid[])[1 + n % 50], 'Bench',
              now() + n * interval '1 hour', now() + n * interval '1 hour' + interval '30 minutes'
       from unnest($1::uuid[]) with ordinality u(s, n)`,
      [owners, tutors],
    );
    const sign = (id: string) => signToken({ id, role: 'student' }, SECRET, 3600);
    const readers = await Promise.all(readerIds.map(sign));
    const attackers = await Promise.all(attackerIds.map(sign));

    const env: Record<string, string> = {
      DATABASE_URL: db.url,
      JWT_SECRET: SECRET,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ...LIMIT_ENV,
    };
    const limits = parseConfig(env).graphqlLimits;
    const heavy = candidates(limits);
    // The largest operation that still runs alongside others, not one at a time.
    const rows = Math.min(limits.maxPageSize, Math.floor((HEAVY_COST - 2) / 5));
    const light = `{ bookings(first: ${rows}) { nodes { id state subject startsAt endsAt } } }`;
    const warmer = await signToken({ id: tutors[0] as string, role: 'tutor' }, SECRET, 3600);

    const servers: Array<[string, Record<string, string>]> = [
      ['rate limit off', { ...env, GRAPHQL_RATE_LIMIT: 'off' }],
      ['defaults (300/minute, billed by cost)', env],
    ];
    const results: Array<{ server: string; reader: string; phase: Phase }> = [];
    const ratios: Array<[string, number]> = [];
    let timings: Array<[string, number]> = [];
    let worst = '';
    for (const [name, serverEnv] of servers) {
      const server = await spawnRole('server', serverEnv);
      try {
        if (!worst) {
          // The slowest candidate, alone, is the heavy attack (postAs throws on any error).
          for (const [candidate, query] of Object.entries(heavy)) {
            // As an attacker, who sees 2,000 bookings: the tutor sees fewer.
            const attacker = attackers[0] as string;
            await postAs(server.url, attacker, query);
            const started = performance.now();
            for (let i = 0; i < 3; i++) await postAs(server.url, attacker, query);
            timings.push([candidate, (performance.now() - started) / 3]);
          }
          timings = timings.sort((x, y) => y[1] - x[1]);
          worst = (timings[0] as [string, number])[0];
        }
        const attacks: Array<[string, string]> = [
          [`heavy: ${worst}`, heavy[worst] as string],
          [`light: ${rows} rows, cost under ${HEAVY_COST}`, light],
        ];
        // Warm up: plans for every operation, not counted (the tutor sees none of these rows).
        for (const [, query] of attacks) await postAs(server.url, warmer, query);
        await readAtRate(server.url, readers);
        const calm = await measure(server.url, readers, [], '');
        results.push({ server: name, reader: 'alone', phase: calm });
        for (const [index, [attack, query]] of attacks.entries()) {
          const team = attackers.slice(index * ATTACKERS, (index + 1) * ATTACKERS);
          const phase = await measure(server.url, readers, team, query);
          results.push({ server: name, reader: `under attack, ${attack}`, phase });
          ratios.push([`${name}, ${attack}`, phase.p99 / calm.p99]);
        }
      } finally {
        await server.stop();
      }
    }

    const overrides = Object.entries(LIMIT_ENV).map(([name, value]) => `${name}=${value}`);
    let md = table(
      `8. Abuse${overrides.length ? ` (${overrides.join(', ')})` : ''}: the bookings list at ${RATE} requests/s (${READERS} users) for ${DURATION_MS / 1000} s, alone and while ${ATTACKERS} attackers (one loop each) send an allowed operation back to back (ms)`,
      [
        'server',
        'reader',
        'requests',
        'errors',
        'p50',
        'p99',
        'max',
        'attacks run',
        'attacks refused (429)',
      ],
      results.map(({ server, reader, phase: p }) => [
        server,
        reader,
        p.n,
        p.errors,
        p.p50,
        p.p99,
        p.max,
        p.attacks,
        p.refused,
      ]),
    );
    const lines = [
      `heavy candidates alone: ${timings.map(([n, ms]) => `${n} ${ms.toFixed(0)} ms`).join(', ')}`,
      ...ratios.map(([what, ratio]) => `p99 ratio, ${what}: ${ratio.toFixed(2)}`),
    ];
    const defaults = ratios.filter(([what]) => what.startsWith('defaults'));
    const worstDefault = Math.max(...defaults.map(([, ratio]) => ratio));
    lines.push(
      `goal ≤ 3 with the defaults: ${worstDefault <= 3 ? 'met' : 'NOT met'} (worst ${worstDefault.toFixed(2)})`,
    );
    for (const line of lines) console.log(`  ${line}`);
    md += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
    return md;
  } finally {
    await db.drop();
  }
}
