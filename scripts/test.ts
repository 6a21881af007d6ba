// Runs the test suite against a real PostgreSQL:
//   TEST_DATABASE_URL if set, else the server in DATABASE_URL, else an embedded one under
//   .data/test. It builds one migrated template database, runs tap (each test file clones
//   the template into a database of its own), then drops the template.
// Arguments are passed to tap, e.g. `npm test -- test/migrate.test.ts`. With TEST_PGBOUNCER=1,
// every `server` the tests start goes through one PgBouncer in transaction mode
// (support/processes.ts, runCli).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Parser } from 'tap-parser';
import { createPool } from '../src/db/db.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLogger } from '../src/log.ts';
import { root } from '../src/paths.ts';
import { databaseUrl, withAdmin } from '../support/database.ts';
import { type PgBouncer, startPgBouncer } from '../support/pgbouncer.ts';

const log = createLogger({ logLevel: 'warn', logFormat: 'pretty' });
const template = `schoolbell_template_${process.pid}`;
// Server connections per test database behind PgBouncer: fewer than a server's pools hold.
const PGBOUNCER_POOL_SIZE = 4;

const pgbouncerMode = process.env.TEST_PGBOUNCER;
if (pgbouncerMode !== undefined && pgbouncerMode !== '' && pgbouncerMode !== '1') {
  console.error(
    `scripts/test.ts: TEST_PGBOUNCER must be 1 (every server behind PgBouncer) or unset, not "${pgbouncerMode}"`,
  );
  process.exit(64);
}

let embedded: EmbeddedPostgres | undefined;
let serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (serverUrl === undefined) {
  embedded = await startEmbeddedPostgres({
    dataDir: path.join(root, '.data', 'test'),
    port: 54339,
    database: 'postgres',
    log,
  });
  serverUrl = embedded.url;
}
console.log(`# tests run against ${new URL(serverUrl).host}${embedded ? ' (embedded)' : ''}`);

let code = 1;
let pgbouncer: PgBouncer | undefined;
try {
  if (pgbouncerMode === '1') {
    pgbouncer = await startPgBouncer(undefined, {
      server: serverUrl,
      poolMode: 'transaction',
      poolSize: PGBOUNCER_POOL_SIZE,
      maxClients: 2000,
    });
    console.log(
      `# every server role runs behind PgBouncer (transaction mode, ${PGBOUNCER_POOL_SIZE} server connections per database) on port ${pgbouncer.port}`,
    );
  }
  await withAdmin(serverUrl, (client) => client.query(`create database ${template}`));
  const pool = createPool(databaseUrl(serverUrl, template), 2, log, 'template');
  try {
    await migrate(pool, log);
  } finally {
    await pool.end();
  }
  await fs.rm(path.join(root, '.tap', 'test-results'), { recursive: true, force: true });
  const run = await runTap(process.argv.slice(2), {
    ...process.env,
    SCHOOLBELL_TEST_SERVER_URL: serverUrl,
    SCHOOLBELL_TEST_TEMPLATE: template,
    ...(pgbouncer ? { SCHOOLBELL_TEST_PGBOUNCER_URL: pgbouncer.url('postgres') } : {}),
  });
  code = run.code;
  await printTotals(run);
} finally {
  await pgbouncer?.stop();
  await withAdmin(serverUrl, (client) =>
    client.query(`drop database if exists ${template} with (force)`),
  );
  await embedded?.stop();
}
process.exitCode = code;

/** TapRun is how tap ended: its exit code and, per test file, whether tap counted it ok. */
interface TapRun {
  readonly code: number;
  readonly files: ReadonlyMap<string, boolean>;
}

// tap's own output goes to the terminal as it comes, and through a parser that notes each
// file's verdict: a file can fail with no failed assertion (it crashed, timed out, exited 1).
function runTap(args: string[], env: NodeJS.ProcessEnv): Promise<TapRun> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, boolean>();
    const parser = new Parser();
    parser.on('assert', (result: { ok: boolean; name: string }) => {
      files.set(result.name.replace(/ # .*$/, ''), result.ok);
    });
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tap'), args, {
      stdio: ['inherit', 'pipe', 'inherit'],
      env,
      cwd: root,
    });
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      parser.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      parser.end();
      resolve({ code: exitCode ?? (signal ? 1 : 0), files });
    });
  });
}

// tap keeps each file's raw TAP under .tap/test-results; count its assertions once more (the
// leaves, not the subtests that group them) so the run ends on one plain line any CI can read.
// A file tap failed without a failed assertion counts as one failure, and so does a tap run
// that failed with none counted: the closing line never says 0 failed when tap says otherwise.
async function printTotals(run: TapRun): Promise<void> {
  const dir = path.join(root, '.tap', 'test-results');
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const [file, ok] of run.files) {
    const text = await fs.readFile(path.join(dir, `${file}.tap`), 'utf8').catch(() => '');
    const counted = await countAssertions(text);
    totals.passed += counted.passed;
    totals.failed += counted.failed;
    totals.skipped += counted.skipped;
    if (!ok && counted.failed === 0) {
      console.log(
        `# ${file} failed outside its assertions (crashed, timed out or exited non-zero)`,
      );
      totals.failed++;
    }
  }
  if (run.code !== 0 && totals.failed === 0) {
    console.log(`# tap exited ${run.code} with no failure counted above`);
    totals.failed++;
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
}

async function countAssertions(
  tap: string,
): Promise<{ passed: number; failed: number; skipped: number }> {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const count = (parser: Parser) => {
    let subtests = 0;
    parser.on('child', () => subtests++);
    parser.on('assert', (result: { ok: boolean; skip?: unknown; todo?: unknown }) => {
      // A subtest's own closing line comes after its child parser; it is not an assertion.
      if (subtests > 0) {
        subtests--;
        return;
      }
      if (result.skip || result.todo) totals.skipped++;
      else if (result.ok) totals.passed++;
      else totals.failed++;
    });
    parser.on('child', count);
  };
  const parser = new Parser();
  count(parser);
  const done = new Promise((resolve) => parser.on('complete', resolve));
  parser.end(tap);
  await done;
  return totals;
}
