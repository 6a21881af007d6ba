// Scenario 14: what the job history and the admins' live streams cost the worker. 14a times
// graphile-worker's statement that completes a batch of jobs, with the history written in it
// (sql/0016_history_at_completion.sql) and without. 14b is scenario 3's schoolbell run (JOBS
// log reminders through `start`, schoolbell's default worker settings), four ways, in turns so
// that the machine's drift falls on each alike: as shipped (the history written at completion
// and announced, nobody listening); with the history written by the worker alone, in batches
// after the jobs completed (the completion triggers disabled: the design before 0016, whose
// history a SIGKILL could lose); with the announcement switched off (the history's _900_notify
// trigger disabled); and with an admin watching jobOutcomes and queueCounts over graphql-ws
// meanwhile (every outcome read and sent, the counts read at most once a second).
import { createClient } from 'graphql-ws';
import { signToken } from '../src/http/auth.ts';
import { type BenchDatabase, freshDatabase, SECRET, summarize, table } from './lib.ts';
import { type Around, SETTINGS, schoolbell } from './throughput.ts';

const ROUNDS = Number(process.env.BENCH_OUTCOMES_ROUNDS ?? 3);
/** BATCHES is how many batches of 200 jobs (a worker's largest history batch) each side completes. */
const BATCHES = 400;
const JOBS = Number(process.env.BENCH_THROUGHPUT_N ?? 5000);

/** silent switches the history's announcement off for the run. */
const silent: Around = async (db: BenchDatabase) => {
  await db.pool.query('alter table app_private.job_history disable trigger _900_notify');
  return async () => {};
};

/** afterwards switches the completion triggers off: the worker writes the history alone. */
const afterwards: Around = async (db: BenchDatabase) => {
  for (const trigger of ['_900_history', '_900_history_failure'])
    await db.pool.query(`alter table graphile_worker._private_jobs disable trigger ${trigger}`);
  return async () => {};
};

/** watched connects an admin to both streams and counts what arrives. */
const watched =
  (heard: { outcomes: number; counts: number }): Around =>
  async (db: BenchDatabase, url: string) => {
    const { rows } = await db.pool.query(
      "insert into app_public.users (name, email, role) values ('Bench Admin', 'bench-admin@example.test', 'admin') returning id",
    );
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      connectionParams: {
        authorization: `Bearer ${await signToken({ id: rows[0].id, role: 'admin' }, SECRET, 3600)}`,
      },
      retryAttempts: 0,
    });
    const sink = (field: 'outcomes' | 'counts') => ({
      next: () => void heard[field]++,
      error: (error: unknown) => console.error(error),
      complete: () => {},
    });
    client.subscribe({ query: 'subscription { jobOutcomes { id outcome } }' }, sink('outcomes'));
    client.subscribe(
      { query: 'subscription { queueCounts { succeededLastHour } }' },
      sink('counts'),
    );
    // The counts as they are arrive once both streams are set up.
    while (heard.counts === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    return async () => {
      // Every outcome delivered before the service stops (the last history batch is written
      // up to 200 ms after the last job): the count says the stream kept up. Not timed.
      const deadline = Date.now() + 30_000;
      while (heard.outcomes < JOBS && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      client.dispose();
    };
  };

/**
 * batchCost times graphile-worker's statement that completes a batch of 200 locked jobs (a
 * delete, as in its batchCompleteJobs) with the history trigger on and off, in alternating
 * blocks of 20 on one database: ms a batch. The jobs are added and locked outside the timing.
 */
async function batchCost(): Promise<{ on: number[]; off: number[] }> {
  const db = await freshDatabase();
  try {
    const times = { on: [] as number[], off: [] as number[] };
    for (let block = 0; block < BATCHES / 20; block++) {
      const side = block % 2 === 0 ? 'on' : 'off';
      await db.pool.query(
        `alter table graphile_worker._private_jobs ${side === 'on' ? 'enable' : 'disable'} trigger _900_history`,
      );
      for (let i = 0; i < 20; i++) {
        const { rows } = await db.pool.query<{ id: string }>(
          `select (graphile_worker.add_job('log_reminder', json_build_object('n', n))).id::text as id
             from generate_series(1, 200) n`,
        );
        await db.pool.query(
          `update graphile_worker._private_jobs set locked_by = 'bench', locked_at = now(), attempts = 1
            where id = any($1::bigint[])`,
          [rows.map(({ id }) => id)],
        );
        const started = performance.now();
        const completed = await db.pool.query(
          'delete from graphile_worker._private_jobs as jobs using unnest($1::bigint[]) n(n) where id = n',
          [rows.map(({ id }) => id)],
        );
        times[side].push(performance.now() - started);
        if (completed.rowCount !== 200)
          throw new Error(`completed ${completed.rowCount} of 200 jobs`);
      }
    }
    return times;
  } finally {
    await db.drop();
  }
}

export async function outcomes(): Promise<string> {
  const cost = await batchCost();
  const on = summarize(cost.on);
  const off = summarize(cost.off);
  const batches = table(
    `14a. Completing one batch of 200 jobs (graphile-worker's delete; ${BATCHES} batches in alternating blocks of 20; ms)`,
    ['job history', 'p50 ms', 'p99 ms'],
    [
      ['not written at completion (trigger off)', off.p50, off.p99],
      ['written at completion (200 rows; announced later, by the report)', on.p50, on.p99],
    ],
  );
  const [setting] = SETTINGS;
  if (!setting) throw new Error('no worker settings');
  const rates = {
    announced: [] as number[],
    afterwards: [] as number[],
    silent: [] as number[],
    watched: [] as number[],
  };
  const heard = { outcomes: 0, counts: 0 };
  const sent: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rates.announced.push((await schoolbell(setting)).rate);
    rates.afterwards.push((await schoolbell(setting, undefined, afterwards)).rate);
    rates.silent.push((await schoolbell(setting, undefined, silent)).rate);
    heard.outcomes = 0;
    heard.counts = 0;
    rates.watched.push((await schoolbell(setting, undefined, watched(heard))).rate);
    sent.push(`${heard.outcomes} jobOutcomes and ${heard.counts} queueCounts events`);
    console.log(
      `  round ${round + 1}: ${[rates.announced, rates.afterwards, rates.silent, rates.watched].map((r) => r.at(-1)?.toFixed(0)).join(' / ')} jobs/s as shipped / written afterwards / silent / watched (${heard.outcomes} outcomes and ${heard.counts} counts sent)`,
    );
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const base = mean(rates.afterwards);
  const row = (name: string, values: number[]) => [
    name,
    values.map((v) => v.toFixed(0)).join(', '),
    mean(values),
    `${(mean(values) / base).toFixed(2)}`,
  ];
  const markdown = table(
    `14b. The job history's and the admin streams' cost to the worker (${JOBS} log reminders through \`start\`, schoolbell's default worker settings, ${ROUNDS} rounds in turns; jobs/s)`,
    ['job history', 'each round', 'mean jobs/s', 'of written afterwards'],
    [
      row('written by the worker after completion (the design before 0016)', rates.afterwards),
      row('written at completion and announced, nobody listening (as shipped)', rates.announced),
      row('written at completion, not announced (_900_notify off)', rates.silent),
      row('announced, an admin watching jobOutcomes and queueCounts', rates.watched),
    ],
  );
  return `${batches}\n${markdown}\n- The watching admin received, per round: ${sent.join('; ')}.\n`;
}
