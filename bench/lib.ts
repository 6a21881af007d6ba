// What only the benchmarks share: a fresh, migrated database per scenario, the people its
// bookings need, ADR-006's loop, percentiles and tables. Processes, waiting and the GraphQL
// client come from support/, as the tests' do.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { parseConfig } from '../src/config.ts';
import { createPool } from '../src/db/db.ts';
import { createLogger } from '../src/log.ts';
import { prepareDatabase } from '../src/service.ts';
import { databaseUrl, withAdmin } from '../support/database.ts';

/** log is the benchmarks' own logger: warnings and worse, readable in a terminal. */
export const log = createLogger({ logLevel: 'warn', logFormat: 'pretty' });

/** serverUrl is the Postgres the benchmarks use: TEST_DATABASE_URL, DATABASE_URL, or the CI default. */
export const serverUrl =
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://root@127.0.0.1:5432/test';

/** BenchDatabase is a fresh, migrated database dropped when the scenario ends. */
export interface BenchDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/** freshDatabase creates and migrates a database of its own for one scenario. */
export async function freshDatabase(env: Record<string, string> = {}): Promise<BenchDatabase> {
  const name = `schoolbell_bench_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (c) => c.query(`create database ${name}`));
  const url = databaseUrl(serverUrl, name);
  const pool = createPool(url, 12, log, 'bench');
  await prepareDatabase(pool, parseConfig({ NODE_ENV: 'test', ...env }), log, true);
  return {
    url,
    pool,
    async drop() {
      if (!pool.ending) await pool.end();
      await withAdmin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** percentile of sorted numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ] as number;
}

/** summarize gives p50, p99 and max of a list of numbers. */
export function summarize(values: readonly number[]): {
  n: number;
  p50: number;
  p99: number;
  max: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** table prints rows as an aligned text table, and returns it as Markdown for docs/benchmarks.md. */
export function table(
  title: string,
  header: string[],
  rows: Array<Array<string | number>>,
): string {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? format(cell) : cell))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => String(row[i]).length)));
  console.log(`\n${title}`);
  for (const [index, row] of cells.entries()) {
    console.log(`  ${row.map((cell, i) => String(cell).padEnd(widths[i] as number)).join('  ')}`);
    if (index === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
  const md = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of cells.slice(1)) md.push(`| ${row.join(' | ')} |`);
  return `${md.join('\n')}\n`;
}

/** format writes a number for a table: no decimals from 100 up, one from 10, two below. */
export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** sleep waits ms milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** machine describes where the numbers come from. */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

/** rssMiB reads a process's resident set size in MiB from /proc. */
export async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** cpuSeconds reads the CPU time (user and system) a process has used so far from /proc. */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command's name (in parentheses, which may hold spaces): utime is the 12th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** people inserts the people the bookings need. */
export async function people(
  pool: pg.Pool,
  tutors: number,
): Promise<{ student: string; tutors: string[] }> {
  const student = await pool.query<{ id: string }>(
    "insert into app_public.users (name, email, role) values ('Bench Student', 'bench-student@example.test', 'student') returning id",
  );
  const made = await pool.query<{ id: string }>(
    `insert into app_public.users (name, email, role)
     select 'Tutor ' || i, 'bench-tutor-' || i || '@example.test', 'tutor' from generate_series(1, $1) i returning id`,
    [tutors],
  );
  return { student: (student.rows[0] as { id: string }).id, tutors: made.rows.map((r) => r.id) };
}

/**
 * insertSchedules writes n interval schedules for one student the way a DBA's bulk insert
 * would (the row trigger adds each one's job), the k-th starting k/n of an interval after
 * `leadSeconds` from now, so that their occurrences are spread evenly over every interval.
 */
export async function insertSchedules(
  db: BenchDatabase,
  n: number,
  everySeconds: number,
  leadSeconds: number,
): Promise<void> {
  const { student } = await people(db.pool, 0);
  await db.pool.query(
    `insert into app_public.schedules (name, kind, payload, trigger, every, starts_at, next_run_at)
     select 'bench ' || i, 'notify_user',
            jsonb_build_object('userId', $1::text, 'subject', 'Bench', 'body', 'Tick ' || i),
            'interval', make_interval(secs => $3), s.at, s.at
     from generate_series(0, $2 - 1) i,
          lateral (select now() + make_interval(secs => $4 + i * $3::float8 / $2) as at) s`,
    [student, n, everySeconds, leadSeconds],
  );
  await db.pool.query('vacuum analyze app_public.schedules');
}

/**
 * overdue inserts n overdue scheduled sessions for one tutor, back to back in the past, without
 * timers (an outage, a bulk import, a restored backup), then sets booking_timers to `timers` for
 * what happens next.
 */
export async function overdue(pool: pg.Pool, n: number, timers: 'on' | 'off'): Promise<void> {
  const { student, tutors } = await people(pool, 1);
  await pool.query("update app_private.settings set value = 'off' where name = 'booking_timers'");
  await pool.query(
    `insert into app_public.bookings (student_id, tutor_id, subject, state, starts_at, ends_at, expires_at)
     select $1, $2, 'Bench', 'scheduled', now() - i * interval '1 hour', now() - i * interval '1 hour' + interval '30 minutes', now()
     from generate_series(1, $3) i`,
    [student, tutors[0], n],
  );
  await pool.query("update app_private.settings set value = $1 where name = 'booking_timers'", [
    timers,
  ]);
  await pool.query('vacuum analyze app_public.bookings');
}

/**
 * adrLoop is ADR-006's start sweep, the anchor of the sweep and backlog scenarios: select the
 * overdue ids, then one transaction per booking with a NOWAIT row lock, skipping rows held
 * elsewhere. Returns how many it moved and how long it took.
 */
export async function adrLoop(url: string): Promise<{ moved: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = process.hrtime.bigint();
    const { rows } = await client.query<{ id: string }>(
      "select id from app_public.bookings where state = 'scheduled' and starts_at <= now()",
    );
    let moved = 0;
    for (const { id } of rows) {
      await client.query('begin');
      try {
        await client.query(
          "select 1 from app_public.bookings where id = $1 and state = 'scheduled' for update nowait",
          [id],
        );
        await client.query("select set_config('schoolbell.actor', 'adr-006', true)");
        await client.query("update app_public.bookings set state = 'active' where id = $1", [id]);
        await client.query('commit');
        moved++;
      } catch {
        await client.query('rollback');
      }
    }
    return { moved, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await client.end();
  }
}

/** SECRET is what every benchmark's server signs and checks tokens with (JWT_SECRET). */
export const SECRET = 'bench-secret-0123456789abcdef0123456789';
