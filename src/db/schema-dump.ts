// schema.sql: the migrated database's current definition of every SQL object, one place to read
// what the migrations add up to. `npm run schema` writes it; a test checks it is current.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * pgDumpBinary is the pg_dump to run: PG_DUMP if set, else the one on PATH. pg_dump refuses a
 * server of a newer major version than its own.
 */
export function pgDumpBinary(): string {
  return process.env.PG_DUMP || 'pg_dump';
}

/** pgDumpMajor is the major version of the pg_dump binary, or undefined when there is none. */
export async function pgDumpMajor(binary = pgDumpBinary()): Promise<number | undefined> {
  try {
    const { stdout } = await run(binary, ['--version']);
    const match = /(\d+)(?:\.\d+)?/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * normaliseDump strips what varies between pg_dump runs and servers but is not the schema: the
 * version header, SET lines, the random \restrict token (pg_dump 15.14 and later) and runs of
 * blank lines. Owners are left out by --no-owner and the role in ALTER DEFAULT PRIVILEGES FOR
 * ROLE reads <migrator> (both are whoever ran the migrations); grants and row level security
 * policies stay: they are the schema.
 */
export function normaliseDump(dump: string): string {
  const lines = dump.split('\n').filter((line) => {
    if (/^-- (Dumped from|Dumped by|PostgreSQL database dump)/.test(line)) return false;
    if (/^SET \w+ = /.test(line)) return false;
    if (line.startsWith("SELECT pg_catalog.set_config('search_path'")) return false;
    if (/^\\(un)?restrict /.test(line)) return false;
    return true;
  });
  return `${lines
    .join('\n')
    .replace(/^(ALTER DEFAULT PRIVILEGES FOR ROLE) \S+/gm, '$1 <migrator>')
    .replace(/^(--\n)+/, '')
    .replace(/(\n--)+\s*$/, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/**
 * dumpSchema runs `pg_dump --schema-only` on the database at `url` and returns it normalised.
 * graphile_worker's schema is included: our index on its jobs table and the functions that use
 * its types are part of it, and a graphile-worker upgrade that changes it is worth a review.
 */
export async function dumpSchema(url: string, binary = pgDumpBinary()): Promise<string> {
  const { stdout } = await run(
    binary,
    ['--schema-only', '--no-owner', '--no-tablespaces', '--dbname', url],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return normaliseDump(stdout);
}
