// npm run chaos -- --minutes N [--json file] [--seed n] [--every ms]
//
// A bounded chaos run on this machine, local addresses only: an embedded PostgreSQL, two
// servers, three workers (the third through a TCP proxy), a webhook receiver, a load of
// bookings through the GraphQL API, and faults (SIGKILLed workers and servers, PostgreSQL
// crashed and restarted, the proxied worker's connection cut). When the load stops, it waits
// for every booking to reach its end, checks the invariants against the database, prints the
// figures (and writes them as JSON with --json), and exits 1 if any invariant failed.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from '../src/db/db.ts';
import { createLogger } from '../src/log.ts';
import { finished, runCli } from '../support/processes.ts';
import { startWebhookReceiver } from '../support/receivers.ts';
import { waitUntil } from '../support/waiting.ts';
import { type Cluster, startCluster, startDatabase } from './cluster.ts';
import { type Fault, runFaults } from './faults.ts';
import { carried, lateness, loadFaults, overdue, unfinished } from './figures.ts';
import { checkInvariants, type Delivery, loadDeliveries } from './invariants.ts';
import { startLoad } from './load.ts';

const USAGE = 'usage: npm run chaos -- --minutes N [--json FILE] [--seed N] [--every MS]';

function fail(message: string, code: string): never {
  console.error(`chaos: ${message} [${code}]\n${USAGE}`);
  process.exit(2);
}

function options() {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        minutes: { type: 'string' },
        json: { type: 'string' },
        seed: { type: 'string' },
        every: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message, 'BADIN');
  }
  const minutes = Number(values.minutes);
  if (values.minutes === undefined || !(minutes >= 1 && minutes <= 24 * 60))
    fail(`--minutes must be a number from 1 to 1440, got ${values.minutes ?? 'nothing'}`, 'BADIN');
  const seed = values.seed === undefined ? randomBytes(4).readUInt32LE() : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    fail(`--seed must be a whole number, got ${values.seed}`, 'BADIN');
  const every = values.every === undefined ? 1000 : Number(values.every);
  if (!(every >= 50 && every <= 60_000))
    fail(`--every must be 50 to 60000 milliseconds, got ${values.every}`, 'BADIN');
  if (values.json !== undefined && !existsSync(path.dirname(path.resolve(values.json))))
    fail(`--json names a file in a folder that does not exist: ${values.json}`, 'BADIN');
  return { minutes, json: values.json, seed, every };
}

/** random is a small seeded generator (mulberry32), so that a run's choices can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const opts = options();
const random = seeded(opts.seed);
const log = createLogger({ logLevel: 'warn', logFormat: 'pretty' });
const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const SECRET = randomBytes(24).toString('hex');

// Sessions start one to two and a half minutes ahead and last half a minute, so that a few
// minutes of load see many of them through: requested, accepted (or expired), reminded twice,
// started, ended.
const SETTINGS = {
  REQUEST_TTL: '45 seconds',
  END_GRACE: '5 seconds',
  REMINDER_LEADS: '60 seconds,20 seconds',
  REMINDER_CHANNEL: 'webhook',
  WORKER_DEAD_AFTER: '5 seconds',
};
const TIMES = { startsIn: [70, 150] as const, length: 30 };

const cleanups: Array<() => unknown> = [];
const teardown = { teardown: (fn: () => unknown) => cleanups.push(fn) };
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'schoolbell-chaos-'));
let code = 1;
let cluster: Cluster | undefined;
const startedAt = Date.now();
// Interrupted (Ctrl-C, a CI timeout): nothing it started may outlive it.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, async () => {
    console.error(`chaos: ${signal}; stopping everything it started`);
    await Promise.all((cluster?.replicas ?? []).map((replica) => replica.kill()));
    await cluster?.proxy.close();
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
console.log(
  `chaos: ${opts.minutes} minute(s) of load and faults, seed ${opts.seed}, one booking every ${opts.every} ms`,
);
try {
  const database = await startDatabase(dataDir, log);
  cleanups.push(() => database.stop());
  const migrate = runCli(undefined, ['migrate'], { DATABASE_URL: database.url });
  if ((await finished(migrate)) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);

  const deliveries: Delivery[] = [];
  const receiver = await startWebhookReceiver(teardown, {
    // Up to a fifth of a second per call, so that some deliveries are in flight when a fault hits.
    delayMs: (call) => {
      const key = call.headers['idempotency-key'];
      deliveries.push({ key: typeof key === 'string' ? key : undefined, at: Date.now() });
      return Math.floor(random() * 200);
    },
  });
  cluster = await startCluster(
    database,
    {
      ...SETTINGS,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      JWT_SECRET: SECRET,
      GRAPHQL_RATE_LIMIT: 'off',
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: 'chaos-webhook-secret-0123456789',
    },
    log,
  );
  // Its connections die with every crash of PostgreSQL, by design: no warning for each.
  const pool = createPool(
    database.url,
    4,
    createLogger({ logLevel: 'silent', logFormat: 'pretty' }),
    'chaos',
  );
  cleanups.push(() => pool.end());
  console.log(
    `chaos: PostgreSQL on port ${database.port}, ${cluster.replicas.map((r) => r.name).join(', ')} ready; ${cluster.proxied.name} goes through the proxy on port ${cluster.proxy.port}`,
  );

  const load = await startLoad({
    pool,
    servers: cluster.servers.map((server) => server.url),
    secret: SECRET,
    everyMs: opts.every,
    times: TIMES,
    random,
  });
  const loadStart = Date.now();
  const loadEnd = loadStart + opts.minutes * 60_000;
  const running = cluster;
  const healthy = async () => {
    const ready = await Promise.all(running.replicas.map((replica) => replica.ready()));
    if (!ready.every(Boolean)) return false;
    return overdue(pool).then(
      (n) => n === 0,
      () => false,
    );
  };
  const faults: Fault[] = await runFaults({
    cluster,
    random,
    from: loadStart + 15_000,
    until: loadEnd - 20_000,
    healthy,
    log: (fault) =>
      console.log(
        `chaos: fault ${fault.n} at +${seconds(fault.startedAt - loadStart)} s: ${fault.what.join(' + ')}; lifted after ${seconds(fault.liftedAt - fault.startedAt)} s, ${fault.recoveredAt ? `recovered ${seconds(fault.recoveredAt - fault.startedAt)} s after it began` : 'NOT recovered within 5 minutes'}`,
      ),
  });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, loadEnd - Date.now())));
  await load.stop();
  const stoppedAt = Date.now();
  console.log('chaos: load stopped; waiting for every booking to reach its end');
  await waitUntil(
    'every booking has reached its end and nothing is overdue',
    async () => (await unfinished(pool)) === 0 && (await healthy()),
    (TIMES.startsIn[1] + TIMES.length + 120) * 1000,
  ).catch((error) => console.log(`chaos: ${(error as Error).message}`));
  // The last history rows are written within a fifth of a second of a job's end.
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const client = await pool.connect();
  let report: Record<string, unknown>;
  try {
    const live = cluster.workers.map((worker) => worker.pid()).filter((pid) => pid !== undefined);
    await loadDeliveries(client, deliveries, live);
    await loadFaults(client, faults);
    const invariants = await checkInvariants(client);
    const late = await lateness(client);
    const totals = await carried(client);
    const duplicates = deliveries.length - new Set(deliveries.map((d) => d.key)).size;
    // Job runs missing from the history: what "history complete" found.
    const historyMissing =
      invariants.find((invariant) => invariant.name === 'history complete')?.violations ?? 0;
    const loadMinutes = (stoppedAt - loadStart) / 60_000;
    report = {
      seed: opts.seed,
      minutes: opts.minutes,
      startedAt: iso(startedAt),
      loadFrom: iso(loadStart),
      loadUntil: iso(stoppedAt),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      load: {
        bookingsPerMinute: Math.round((totals.bookings / loadMinutes) * 10) / 10,
        mutations: load.counts,
        ...totals,
        deliveries: deliveries.length,
        duplicates,
        historyMissing,
      },
      faults: faults.map((fault) => ({
        n: fault.n,
        at: iso(fault.startedAt),
        kinds: fault.kinds,
        what: fault.what,
        liftedAfterS: seconds(fault.liftedAt - fault.startedAt),
        recoveredAfterS:
          fault.recoveredAt === undefined ? null : seconds(fault.recoveredAt - fault.startedAt),
        recoveredAfterLiftedS:
          fault.recoveredAt === undefined ? null : seconds(fault.recoveredAt - fault.liftedAt),
      })),
      unplannedExits: cluster.replicas.flatMap((replica) =>
        replica.exits.map((exit) => ({ replica: replica.name, at: iso(exit.at), code: exit.code })),
      ),
      lateness: late,
      invariants,
    };
    code = invariants.every((invariant) => invariant.held) ? 0 : 1;
    print(report, invariants);
  } finally {
    client.release();
  }
  if (opts.json) {
    await fs.writeFile(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`chaos: figures written to ${opts.json}`);
  }
} catch (error) {
  console.error(`chaos: the run could not finish: ${(error as Error).stack}`);
  code = 1;
} finally {
  await cluster?.stop();
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  // A failed run keeps its database, to find out why.
  if (code === 0) await fs.rm(dataDir, { recursive: true, force: true });
  else console.log(`chaos: the database is kept in ${dataDir} (its PostgreSQL stopped)`);
}
console.log(code === 0 ? 'chaos: every invariant held' : 'chaos: FAILED');
process.exit(code);

function print(
  report: Record<string, unknown>,
  invariants: Awaited<ReturnType<typeof checkInvariants>>,
): void {
  const load = report.load as Record<string, unknown>;
  console.log('\nLoad held');
  console.log(
    `  ${load.bookings} bookings (${load.bookingsPerMinute}/min); by state ${JSON.stringify(load.byState)}`,
  );
  console.log(`  mutations ${JSON.stringify(load.mutations)}`);
  console.log(
    `  notifications ${JSON.stringify(load.notifications)}; job runs ${JSON.stringify(load.jobs)}`,
  );
  console.log(`  webhook deliveries ${load.deliveries}, duplicates ${load.duplicates}`);
  console.log(
    `  job runs missing from the history ${load.historyMissing} ("history complete" holds only at 0)`,
  );
  console.log('\nFaults');
  for (const fault of report.faults as Array<Record<string, unknown>>)
    console.log(
      `  ${fault.n}. ${fault.at} ${(fault.what as string[]).join(' + ')}; lifted after ${fault.liftedAfterS} s, recovered after ${fault.recoveredAfterS ?? 'never'} s (${fault.recoveredAfterLiftedS ?? '-'} s after it was lifted)`,
    );
  for (const exit of report.unplannedExits as Array<Record<string, unknown>>)
    console.log(`  unplanned exit: ${exit.replica} at ${exit.at} (${exit.code})`);
  console.log('\nLateness (ms)');
  for (const row of report.lateness as Array<Record<string, unknown>>)
    console.log(
      `  ${String(row.what).padEnd(16)} ${String(row.during).padEnd(15)} n=${row.n} p50=${row.p50} p99=${row.p99} max=${row.max}`,
    );
  console.log('\nInvariants');
  for (const invariant of invariants)
    console.log(
      `  ${invariant.held ? 'held  ' : 'BROKEN'} ${invariant.name}: ${invariant.promise}${invariant.held ? '' : ` (${invariant.violations}, e.g. ${JSON.stringify(invariant.examples)})`}`,
    );
}
