// Scenario 3: reminders per second through schoolbell's whole stack (payload validation, the
// outbox row, the channel, job history, metrics) against bare graphile-worker running a no-op
// task on the same database settings. Scenario 6 samples `schoolbell start`'s memory meanwhile.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root } from '../src/paths.ts';
import { freshDatabase, people, rssMiB, sleep, startService, table, waitFor } from './lib.ts';

const JOBS = Number(process.env.BENCH_THROUGHPUT_N ?? 5000);
const CONCURRENCY = '10';
const POOL = '14';

export interface ThroughputResult {
  readonly markdown: string;
  readonly memoryMarkdown: string;
  readonly jobsPerSecond: number;
}

export async function throughput(): Promise<ThroughputResult> {
  // schoolbell: `start` (API and worker), log channel; the queue fills in one transaction.
  const ours = await freshDatabase();
  let oursRate = 0;
  let idleRss = 0;
  let peakRss = 0;
  try {
    const { student } = await people(ours.pool, 1);
    const service = await startService('start', {
      DATABASE_URL: ours.url,
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: CONCURRENCY,
      DATABASE_POOL_SIZE: POOL,
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-0123456789abcdef0123456789',
    });
    await sleep(5_000);
    idleRss = await rssMiB(service.child.pid as number);
    const sampler = setInterval(async () => {
      peakRss = Math.max(peakRss, await rssMiB(service.child.pid as number).catch(() => 0));
    }, 200);
    const started = Date.now();
    await ours.pool.query(
      `with made as (
         insert into app_public.notifications (recipient_id, channel, message, run_at)
         select $1, 'log', 'Bench message ' || i, now() from generate_series(1, $2) i returning *
       ) select count(app_private.schedule_notification_job(m)) from made m`,
      [student, JOBS],
    );
    await waitFor(
      'every notification sent',
      async () =>
        (
          await ours.pool.query(
            "select count(*)::int as n from app_public.notifications where state = 'sent'",
          )
        ).rows[0].n === JOBS,
      600_000,
    );
    oursRate = JOBS / ((Date.now() - started) / 1000);
    clearInterval(sampler);
    await service.stop();
  } finally {
    await ours.drop();
  }

  // Bare graphile-worker: a no-op task, the same queue size, concurrency and pool.
  const bare = await freshDatabase();
  let bareRate = 0;
  try {
    const child = spawn(process.execPath, [path.join(root, 'bench', 'bare-worker.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: bare.url,
        WORKER_CONCURRENCY: CONCURRENCY,
        DATABASE_POOL_SIZE: POOL,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    await sleep(1_000);
    const started = Date.now();
    await bare.pool.query(
      "select count(graphile_worker.add_job('noop', '{}')) from generate_series(1, $1)",
      [JOBS],
    );
    await waitFor(
      'the bare queue drains',
      async () =>
        (await bare.pool.query('select count(*)::int as n from graphile_worker.jobs')).rows[0].n ===
        0,
      600_000,
    );
    bareRate = JOBS / ((Date.now() - started) / 1000);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  } finally {
    await bare.drop();
  }

  let markdown = table(
    '3. Worker throughput (jobs/s, queue of ' + JOBS + ', concurrency ' + CONCURRENCY + ')',
    ['worker', 'jobs/s'],
    [
      [
        'schoolbell send_notification (validation, outbox, log channel, history, metrics)',
        oursRate,
      ],
      ['bare graphile-worker, no-op task', bareRate],
    ],
  );
  const ratio = oursRate / bareRate;
  const lines = [
    `ratio: ${ratio.toFixed(2)} of bare`,
    `goal ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
  ];
  for (const line of lines) console.log(`  ${line}`);
  markdown += `\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
  const memoryMarkdown = table(
    '6. Memory: resident size of `schoolbell start` (MiB)',
    ['when', 'RSS MiB'],
    [
      ['idle, 5 s after start', idleRss],
      ['peak during scenario 3', peakRss],
    ],
  );
  return { markdown, memoryMarkdown, jobsPerSecond: oursRate };
}
