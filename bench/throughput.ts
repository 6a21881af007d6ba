// Scenario 3: reminders per second through schoolbell's whole stack (payload validation, the
// outbox row, the channel, job history, metrics, wake-up, heartbeat) against bare
// graphile-worker, both with the same worker settings (the same environment, read by the same
// parser: concurrency, pool size, polling, local queue, completion batching). Bare
// graphile-worker runs a no-op task (the issue's anchor) and, to tell schoolbell's own cost
// from the outbox's, the same outbox transaction with nothing around it. Each queue is filled
// in one transaction while its worker listens; the clock starts when that transaction has
// committed (the jobs are queued), so the fill's own cost is not the worker's. Scenario 6
// samples `schoolbell start`'s memory meanwhile.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { root } from '../src/paths.ts';
import { spawnRole } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';
import { type BenchDatabase, freshDatabase, people, rssMiB, SECRET, sleep, table } from './lib.ts';

const JOBS = Number(process.env.BENCH_THROUGHPUT_N ?? 5000);
const CONCURRENCY = '10';
const POOL = '14';

/** Setting is one set of worker settings that every side runs with. */
export interface Setting {
  readonly name: string;
  readonly env: Record<string, string>;
}

export const SETTINGS: Setting[] = [
  { name: 'schoolbell defaults (local queue 20, completions batched)', env: {} },
  {
    name: "graphile-worker's defaults (no local queue, each job completed alone)",
    env: { WORKER_LOCAL_QUEUE_SIZE: '0', WORKER_BATCH_DELAY: 'off' },
  },
];

export interface ThroughputResult {
  readonly markdown: string;
  readonly memoryMarkdown: string;
  readonly jobsPerSecond: number;
}

export interface Measured {
  readonly rate: number;
  readonly fillSeconds: number;
}

function workerEnv(setting: Setting): Record<string, string> {
  return {
    WORKER_CONCURRENCY: CONCURRENCY,
    DATABASE_POOL_SIZE: POOL,
    WORKER_POLL_INTERVAL: '10 seconds',
    ...setting.env,
  };
}

/** queueReminders adds JOBS due log-channel reminders, each with its send_notification job. */
async function queueReminders(db: BenchDatabase, student: string): Promise<void> {
  await db.pool.query(
    `with made as (
       insert into app_public.notifications (recipient_id, channel, message, run_at)
       select $1, 'log', 'Bench message ' || i, now() from generate_series(1, $2) i returning *
     ) select count(app_private.schedule_notification_job(m)) from made m`,
    [student, JOBS],
  );
}

async function allSent(db: BenchDatabase): Promise<boolean> {
  const { rows } = await db.pool.query(
    "select count(*)::int as n from app_public.notifications where state = 'sent'",
  );
  return rows[0].n === JOBS;
}

/** timed fills the queue in one statement and times the worker from its commit to `done`. */
async function timed(fill: () => Promise<void>, done: () => Promise<boolean>): Promise<Measured> {
  const filling = Date.now();
  await fill();
  const queued = Date.now();
  await waitUntil('the queue is worked off', done, 600_000);
  return { rate: JOBS / ((Date.now() - queued) / 1000), fillSeconds: (queued - filling) / 1000 };
}

/**
 * Around prepares a run once `start` is ready (e.g. connects a subscriber), returning what
 * undoes it afterwards.
 */
export type Around = (db: BenchDatabase, url: string) => Promise<() => Promise<void>>;

/**
 * schoolbell runs `start` (API and worker) with the log channel and times JOBS reminders;
 * `around`, if given, prepares the run once the service is ready.
 */
export async function schoolbell(
  setting: Setting,
  memory?: { idle: number; peak: number },
  around?: Around,
): Promise<Measured> {
  const db = await freshDatabase();
  try {
    const { student } = await people(db.pool, 1);
    const service = await spawnRole('start', {
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      ...workerEnv(setting),
    });
    let sampler: NodeJS.Timeout | undefined;
    let undo: (() => Promise<void>) | undefined;
    try {
      await sleep(5_000);
      undo = await around?.(db, service.url);
      const pid = service.child.pid as number;
      if (memory) {
        memory.idle = await rssMiB(pid);
        sampler = setInterval(async () => {
          memory.peak = Math.max(memory.peak, await rssMiB(pid).catch(() => 0));
        }, 200);
      }
      return await timed(
        () => queueReminders(db, student),
        () => allSent(db),
      );
    } finally {
      clearInterval(sampler);
      await undo?.();
      await service.stop();
    }
  } finally {
    await db.drop();
  }
}

/** bare runs bench/bare-worker.ts with `task` (noop or outbox) and times JOBS jobs. */
async function bare(setting: Setting, task: 'noop' | 'outbox'): Promise<Measured> {
  const db = await freshDatabase();
  let child: ChildProcess | undefined;
  try {
    const { student } = await people(db.pool, 1);
    child = spawn(process.execPath, [path.join(root, 'bench', 'bare-worker.ts')], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: db.url,
        BARE_TASK: task,
        ...workerEnv(setting),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child?.stdout?.once('data', () => resolve()));
    await sleep(1_000);
    if (task === 'outbox') {
      return await timed(
        () => queueReminders(db, student),
        () => allSent(db),
      );
    }
    return await timed(
      async () => {
        await db.pool.query(
          "select count(graphile_worker.add_job('noop', '{}')) from generate_series(1, $1)",
          [JOBS],
        );
      },
      async () =>
        (await db.pool.query('select count(*)::int as n from graphile_worker.jobs')).rows[0].n ===
        0,
    );
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await db.drop();
  }
}

export async function throughput(): Promise<ThroughputResult> {
  const memory = { idle: 0, peak: 0 };
  const rows: Array<Array<string | number>> = [];
  const lines: string[] = [];
  let defaultsRate = 0;
  for (const [index, setting] of SETTINGS.entries()) {
    const ours = await schoolbell(setting, index === 0 ? memory : undefined);
    const outbox = await bare(setting, 'outbox');
    const noop = await bare(setting, 'noop');
    if (index === 0) defaultsRate = ours.rate;
    rows.push(
      [setting.name, 'schoolbell send_notification', ours.rate, ours.fillSeconds],
      [
        setting.name,
        'bare graphile-worker, the same outbox transaction',
        outbox.rate,
        outbox.fillSeconds,
      ],
      [setting.name, 'bare graphile-worker, no-op task', noop.rate, noop.fillSeconds],
    );
    const ratio = ours.rate / noop.rate;
    lines.push(
      `${setting.name}: ${ratio.toFixed(2)} of bare no-op${index === 0 ? ` (goal ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'})` : ''}; ${(ours.rate / outbox.rate).toFixed(2)} of bare running the same outbox transaction`,
    );
  }
  let markdown = table(
    `3. Worker throughput (jobs/s from the moment ${JOBS} jobs are queued; concurrency ${CONCURRENCY}, pool ${POOL}, polling 10 s; the fill, not timed, in seconds)`,
    ['settings (every side)', 'worker', 'jobs/s', 'fill s'],
    rows,
  );
  for (const line of lines) console.log(`  ${line}`);
  markdown += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  const memoryMarkdown = table(
    '6. Memory: resident size of `schoolbell start` (MiB)',
    ['when', 'RSS MiB'],
    [
      ['idle, 5 s after start', memory.idle],
      ['peak during scenario 3', memory.peak],
    ],
  );
  return { markdown, memoryMarkdown, jobsPerSecond: defaultsRate };
}
