// Scenario 14: what the admins' live streams cost the worker. 14a times the statement a
// worker writes its history with, with the announcement on and off. 14b is scenario 3's
// schoolbell run (JOBS log reminders through `start`, schoolbell's default worker settings),
// three ways, in turns so that the machine's drift falls on each alike: as shipped (job
// history announces its rows, nobody listening); with the announcement switched off (the
// history's _900_notify trigger disabled: the worker as it was before); and with an admin
// watching jobOutcomes and queueCounts over graphql-ws meanwhile (every outcome read and sent,
// the counts read at most once a second).
import { createClient } from 'graphql-ws';
import { insertJobHistory, type JobHistoryRow } from '../src/db/queries.ts';
import { signToken } from '../src/http/auth.ts';
import { type BenchDatabase, freshDatabase, SECRET, summarize, table } from './lib.ts';
import { type Around, SETTINGS, schoolbell } from './throughput.ts';

const ROUNDS = Number(process.env.BENCH_OUTCOMES_ROUNDS ?? 3);
/** BATCHES is how many history batches of 200 rows (a worker's largest) each side writes. */
const BATCHES = 400;
const JOBS = Number(process.env.BENCH_THROUGHPUT_N ?? 5000);

/** silent switches the history's announcement off for the run. */
const silent: Around = async (db: BenchDatabase) => {
  await db.pool.query('alter table app_private.job_history disable trigger _900_notify');
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
 * batchCost times the statement a worker writes its history with (insertJobHistory, 200 rows)
 * with the announcement on and off, in alternating blocks of 20 on one database: ms a batch.
 */
async function batchCost(): Promise<{ on: number[]; off: number[] }> {
  const db = await freshDatabase();
  try {
    const now = new Date();
    const rows: JobHistoryRow[] = Array.from({ length: 200 }, (_, i) => ({
      job_id: String(i + 1),
      task: 'send_notification',
      job_key: `notification:${i}`,
      attempt: 1,
      run_at: now,
      started_at: now,
      finished_at: now,
      duration_ms: 1,
      outcome: 'success',
      error: null,
      worker_id: 'bench',
      payload: { notificationId: String(i) },
    }));
    const times = { on: [] as number[], off: [] as number[] };
    for (let block = 0; block < BATCHES / 20; block++) {
      const side = block % 2 === 0 ? 'on' : 'off';
      await db.pool.query(
        `alter table app_private.job_history ${side === 'on' ? 'enable' : 'disable'} trigger _900_notify`,
      );
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await insertJobHistory(db.pool, rows);
        times[side].push(performance.now() - started);
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
    `14a. Writing one batch of job history (200 rows, a worker's largest; ${BATCHES} batches in alternating blocks of 20; ms)`,
    ['job history', 'p50 ms', 'p99 ms'],
    [
      ['not announced (trigger off)', off.p50, off.p99],
      ['announced (one NOTIFY of 200 ids)', on.p50, on.p99],
    ],
  );
  const [setting] = SETTINGS;
  if (!setting) throw new Error('no worker settings');
  const rates = { announced: [] as number[], silent: [] as number[], watched: [] as number[] };
  const heard = { outcomes: 0, counts: 0 };
  const sent: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rates.announced.push((await schoolbell(setting)).rate);
    rates.silent.push((await schoolbell(setting, undefined, silent)).rate);
    heard.outcomes = 0;
    heard.counts = 0;
    rates.watched.push((await schoolbell(setting, undefined, watched(heard))).rate);
    sent.push(`${heard.outcomes} jobOutcomes and ${heard.counts} queueCounts events`);
    console.log(
      `  round ${round + 1}: ${[rates.announced, rates.silent, rates.watched].map((r) => r.at(-1)?.toFixed(0)).join(' / ')} jobs/s announced / silent / watched (${heard.outcomes} outcomes and ${heard.counts} counts sent)`,
    );
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const base = mean(rates.silent);
  const row = (name: string, values: number[]) => [
    name,
    values.map((v) => v.toFixed(0)).join(', '),
    mean(values),
    `${(mean(values) / base).toFixed(2)}`,
  ];
  const markdown = table(
    `14b. Admin streams' cost to the worker (${JOBS} log reminders through \`start\`, schoolbell's default worker settings, ${ROUNDS} rounds in turns; jobs/s)`,
    ['job history', 'each round', 'mean jobs/s', 'of silent'],
    [
      row('not announced (trigger off: the worker before this change)', rates.silent),
      row('announced, nobody listening', rates.announced),
      row('announced, an admin watching jobOutcomes and queueCounts', rates.watched),
    ],
  );
  return `${batches}\n${markdown}\n- The watching admin received, per round: ${sent.join('; ')}.\n`;
}
