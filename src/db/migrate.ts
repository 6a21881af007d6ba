import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { type Logger, workerLogger } from '../log.ts';
import { sqlDir } from '../paths.ts';

/** Migration is one numbered file from sql/. */
export interface Migration {
  readonly filename: string;
  readonly checksum: string;
  readonly sql: string;
}

/** MigrationError explains why migrating stopped; the database is left as the last good file made it. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILENAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * SQUASHED_0_1 are the migrations of schoolbell 0.1 and their checksums. 0.2 squashed them, once,
 * into new files (some under the same names), so a database that applied any of them cannot be
 * migrated forward: it must be recreated.
 */
export const SQUASHED_0_1: ReadonlyMap<string, string> = new Map([
  ['0001_schemas.sql', 'fc9881317b021294fcffa3f6966604b59916db0ccaf53d6f54026689b68a43ac'],
  ['0002_users.sql', 'b85c7a8ac3503d3f506608117f1014e6a88870f0973a497b6453c268d9cb281e'],
  ['0003_bookings.sql', '0d3370cc544b3122be1f56ba0c276869c820507e3bf6ae6a88a656df855af358'],
  ['0004_booking_api.sql', 'fd43c10ef269fbacf3cf25492f5caa95dc5b9eb83fff98fb7d6950ea3a0ba6ce'],
  ['0005_jobs.sql', '51192cd84641b624c53a6967c833652e597f0804fc3bc4e278132089f7527c9a'],
  ['0006_workers.sql', '9f14960e4e07f8ef8cff81c5f42f6a9803e6371b67f5d1fef5bcbe95b01d0a81'],
  ['0007_operations.sql', '5462508286c65ecdf8cc06165185eedffbaefa2b7a5fa5ac36bc4397bef867e2'],
  ['0008_admin_page.sql', '2218dea650411d62031e9db9362fb7a6f02ec7b097bdf125b9f4e2f8ea1608c7'],
  ['0009_timer_switch.sql', 'b0fac6cdcbc4a283bdd4f50f33b1610531e3b894b65e305a3fb57177d63d7a2c'],
  ['0010_time_zone_lookup.sql', '88933d34651983332f59995c01ea64e9c713f9f5371a25b4e6a9d185f54b7c7b'],
  ['0011_access_hardening.sql', 'dfe65729284d31a596fedef290085df1528aa64e0883485f37c6c9ad2bd739a9'],
  ['0012_stuck_work.sql', 'c18710742fefb4e33f7301d19ae39630badf58eea76d4429bb2a6b2650e0f5b6'],
  ['0013_worker_paths.sql', '1a7a068ccfaa093b2f66af8da6da3e694a9fd46df6552b6fb8a1ee7e175e03b3'],
  ['0014_setwise_timers.sql', 'bc9ff925e920eca808dd830a7e1543c432aaa3347192ca615e8e10bd104a4bb4'],
  ['0015_wake_on_retry.sql', 'cc027d1cbf37ace2867098c745dad4ae94a51892caeea9f6dc34c6db4847b4ca'],
  [
    '0016_graphql_conventions.sql',
    '70084e7e811a027c9e045be0e9ec3ebd6a98a90e95c26f34d9ee90157200c5db',
  ],
  ['0017_readable_admin.sql', 'eda9f87ec7fdc1e3219cbb474105db6d29401d8b905554a594e051e0f9069e27'],
]);
// Any fixed number works; it only has to be the same for every replica.
const LOCK_KEY = 0x5c8001;

/** readMigrations lists sql/ in order, refusing names that do not follow `NNNN_words.sql`. */
export async function readMigrations(dir = sqlDir): Promise<Migration[]> {
  const names = (await fs.readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const seen = new Set<string>();
  const migrations: Migration[] = [];
  for (const filename of names) {
    const match = FILENAME.exec(filename);
    if (!match)
      throw new MigrationError(`sql/${filename}: name must look like 0001_what_it_does.sql`);
    const number = match[1] as string;
    if (seen.has(number))
      throw new MigrationError(`sql/${filename}: another file already has number ${number}`);
    seen.add(number);
    const sql = await fs.readFile(path.join(dir, filename), 'utf8');
    migrations.push({ filename, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/**
 * migrate installs graphile-worker's schema, then applies every pending file from sql/, each in
 * its own transaction. A session advisory lock makes replicas that start together take turns;
 * the ones that come second find nothing left to do. It refuses to go on when a file that was
 * already applied has been edited since, when the database knows a file that sql/ lacks, or when
 * 0.1 migrated it (SQUASHED_0_1).
 * Returns the names of the files it applied.
 */
export async function migrate(pool: pg.Pool, log: Logger, dir = sqlDir): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await runWorkerMigrations({ pgPool: pool, logger: workerLogger(log) });
      await client.query(`
        create schema if not exists app_private;
        create table if not exists app_private.migrations (
          filename text primary key,
          checksum text not null,
          applied_at timestamptz not null default now()
        );`);
      const pending = await pendingMigrations(client, migrations);
      for (const migration of pending) {
        log.info({ file: migration.filename }, 'applying migration');
        await client.query('begin');
        try {
          await client.query(migration.sql);
          await client.query(
            'insert into app_private.migrations (filename, checksum) values ($1, $2)',
            [migration.filename, migration.checksum],
          );
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw new MigrationError(
            `sql/${migration.filename} failed and was rolled back: ${(error as Error).message}`,
          );
        }
      }
      return pending.map((migration) => migration.filename);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/**
 * pendingMigrations compares sql/ with what the database has applied and returns the files
 * still to run, throwing a MigrationError when history disagrees (an edited or a missing file, or
 * a database migrated by 0.1, whose migrations were squashed).
 */
export async function pendingMigrations(
  client: pg.ClientBase | pg.Pool,
  migrations: readonly Migration[],
): Promise<Migration[]> {
  const exists = await client.query<{ found: boolean }>(
    "select to_regclass('app_private.migrations') is not null as found",
  );
  if (!exists.rows[0]?.found) return [...migrations];
  const { rows } = await client.query<{ filename: string; checksum: string }>(
    'select filename, checksum from app_private.migrations order by filename',
  );
  const applied = new Map(rows.map((row) => [row.filename, row.checksum]));
  const known = new Set(migrations.map((migration) => migration.filename));
  for (const [filename, checksum] of applied) {
    const squashed = SQUASHED_0_1.get(filename);
    if (squashed !== undefined && (checksum === squashed || !known.has(filename))) {
      throw new MigrationError(
        `the database was migrated by schoolbell 0.1 (it has applied ${filename}), whose migrations 0.2 squashed into new files: it cannot be migrated; recreate it (drop it, create it empty, run \`schoolbell migrate\`)`,
      );
    }
  }
  for (const [filename] of applied) {
    if (!known.has(filename)) {
      throw new MigrationError(
        `the database has applied ${filename}, which is not in sql/: this code is older than the database`,
      );
    }
  }
  for (const migration of migrations) {
    const checksum = applied.get(migration.filename);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new MigrationError(
        `sql/${migration.filename} was edited after it was applied (checksum ${checksum.slice(0, 12)} in the database, ${migration.checksum.slice(0, 12)} on disk); migrations are forward-only: undo the edit and add a new file`,
      );
    }
  }
  return migrations.filter((migration) => !applied.has(migration.filename));
}
