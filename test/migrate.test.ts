import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import t, { type Test } from 'tap';
import { createPool } from '../src/db/db.ts';
import { migrate, readMigrations, SQUASHED_0_1 } from '../src/db/migrate.ts';
import { createLogger } from '../src/log.ts';
import { sqlDir } from '../src/paths.ts';
import { createTestPool } from '../support/database.ts';
import { runCli } from '../support/processes.ts';

const log = createLogger({ logLevel: 'silent', logFormat: 'json' });

async function emptyDatabasePool(t: Test): Promise<pg.Pool> {
  const { pool } = await createTestPool(t, 4, { empty: true });
  return pool;
}

/** copySql makes a private copy of sql/ that a test may change. */
async function copySql(t: Test): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'schoolbell-sql-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.cp(sqlDir, dir, { recursive: true });
  return dir;
}

t.test('a fresh database gets graphile-worker first, then every file, once', async (t) => {
  const pool = await emptyDatabasePool(t);
  const files = (await readMigrations()).map((m) => m.filename);

  const applied = await migrate(pool, log);
  t.same(applied, files);
  const schemas = await pool.query<{ nspname: string }>(
    "select nspname from pg_namespace where nspname in ('graphile_worker', 'app_public', 'app_hidden', 'app_private') order by 1",
  );
  t.same(
    schemas.rows.map((r) => r.nspname),
    ['app_hidden', 'app_private', 'app_public', 'graphile_worker'],
  );

  t.same(await migrate(pool, log), [], 'a second run has nothing to do');
});

t.test('replicas migrating at the same moment take turns', async (t) => {
  const pool = await emptyDatabasePool(t);
  const other = createPool(pool.options.connectionString as string, 4, log, 'other');
  t.teardown(() => other.end());

  const results = await Promise.all([migrate(pool, log), migrate(other, log), migrate(pool, log)]);
  const files = (await readMigrations()).map((m) => m.filename);
  t.same(results.flat().sort(), files, 'each file was applied by exactly one of them');
  const { rows } = await pool.query('select count(*)::int as n from app_private.migrations');
  t.equal(rows[0].n, files.length);
});

t.test('a file edited after it was applied stops migration', async (t) => {
  const pool = await emptyDatabasePool(t);
  const dir = await copySql(t);
  await migrate(pool, log, dir);

  await fs.appendFile(path.join(dir, '0001_schemas.sql'), '\n-- a harmless-looking edit\n');
  await t.rejects(migrate(pool, log, dir), {
    name: 'MigrationError',
    message: /sql\/0001_schemas\.sql was edited after it was applied/,
  });
});

t.test('a failing file is rolled back whole and names itself', async (t) => {
  const pool = await emptyDatabasePool(t);
  const dir = await copySql(t);
  await fs.writeFile(
    path.join(dir, '0999_broken.sql'),
    'create table app_public.half_done (id int);\nselect * from no_such_table;\n',
  );

  await t.rejects(migrate(pool, log, dir), {
    name: 'MigrationError',
    message:
      /sql\/0999_broken\.sql failed and was rolled back: relation "no_such_table" does not exist/,
  });
  const { rows } = await pool.query("select to_regclass('app_public.half_done') as found");
  t.equal(rows[0].found, null, 'nothing of the failed file is left');
  const applied = await pool.query(
    "select 1 from app_private.migrations where filename = '0999_broken.sql'",
  );
  t.equal(applied.rowCount, 0);
  t.ok(
    (await pool.query("select 1 from app_private.migrations where filename = '0001_schemas.sql'"))
      .rowCount,
    'the files before it stay applied',
  );
});

t.test('a database newer than the code is refused', async (t) => {
  const pool = await emptyDatabasePool(t);
  await migrate(pool, log);
  await pool.query(
    "insert into app_private.migrations (filename, checksum) values ('9999_from_the_future.sql', 'x')",
  );
  await t.rejects(migrate(pool, log), {
    message: /has applied 9999_from_the_future\.sql, which is not in sql\//,
  });
});

t.test('a database migrated by 0.1 is refused: its migrations were squashed', async (t) => {
  const { pool, ...db } = await createTestPool(t, 2, { empty: true });
  // What 0.1 left in the history (the 0.1 files themselves are gone from sql/).
  await pool.query(`
    create schema app_private;
    create table app_private.migrations (filename text primary key, checksum text not null,
      applied_at timestamptz not null default now());`);
  for (const [filename, checksum] of SQUASHED_0_1) {
    await pool.query('insert into app_private.migrations (filename, checksum) values ($1, $2)', [
      filename,
      checksum,
    ]);
  }
  const refusal =
    /migrated by schoolbell 0\.1 \(it has applied 0001_schemas\.sql\), whose migrations 0\.2 squashed into new files: it cannot be migrated; recreate it/;
  await t.rejects(migrate(pool, log), { name: 'MigrationError', message: refusal });

  const cli = runCli(t, ['migrate'], { DATABASE_URL: db.url });
  t.equal(await cli.exited, 1, 'migrate exits 1');
  const lines = cli.output().trim().split('\n');
  t.equal(lines.length, 1, 'with one line');
  t.match(lines[0], refusal);
  t.match(lines[0], /schoolbell migrate: /);
  const { rows } = await pool.query("select to_regclass('app_public.users') as found");
  t.equal(rows[0].found, null, 'and nothing of 0.2 is applied');

  // One 0.1 file that 0.2 has no file of that name for is enough.
  await pool.query("delete from app_private.migrations where filename < '0010'");
  await t.rejects(migrate(pool, log), {
    message: /migrated by schoolbell 0\.1 \(it has applied 0010_time_zone_lookup\.sql\)/,
  });
});

t.test('badly named files are refused before anything runs', async (t) => {
  const dir = await copySql(t);
  await fs.writeFile(path.join(dir, 'add-things.sql'), 'select 1;');
  await t.rejects(readMigrations(dir), {
    message: /sql\/add-things\.sql: name must look like 0001_what_it_does\.sql/,
  });
});
