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
 * already applied has been edited since, or when the database knows a file that sql/ lacks.
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
 * still to run, throwing a MigrationError when history disagrees (an edited or a missing file).
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
