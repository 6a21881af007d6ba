import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../src/db/db.ts';
import { createLogger } from '../src/log.ts';
import type { Teardown } from './processes.ts';

/** databaseUrl returns `url` pointing at another database on the same server. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function serverUrl(): string {
  const url = process.env.SCHOOLBELL_TEST_SERVER_URL;
  if (!url) throw new Error('SCHOOLBELL_TEST_SERVER_URL is not set: run the tests with `npm test`');
  return url;
}

/** withAdmin runs `fn` on a connection of its own to `url` (a server's admin database), then closes it. */
export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withAdmin(serverUrl(), fn);
}

/** TestDatabase is a database of one test's own, dropped when the test ends. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
}

/**
 * createTestDatabase clones the migrated template (or, with `empty`, creates a bare database)
 * and drops it in the test's teardown.
 */
export async function createTestDatabase(
  t: Teardown,
  options: { empty?: boolean } = {},
): Promise<TestDatabase> {
  const name = `schoolbell_test_${randomBytes(5).toString('hex')}`;
  const template = options.empty ? 'template0' : process.env.SCHOOLBELL_TEST_TEMPLATE;
  if (!template)
    throw new Error('SCHOOLBELL_TEST_TEMPLATE is not set: run the tests with `npm test`');
  await admin((client) => client.query(`create database ${name} template ${template}`));
  t.teardown(() => admin((client) => client.query(`drop database if exists ${name} with (force)`)));
  return { name, url: databaseUrl(serverUrl(), name) };
}

/** TestPool is a test database with a pool of its own on it, both gone when the test ends. */
export interface TestPool extends TestDatabase {
  readonly pool: pg.Pool;
}

/**
 * createTestPool clones the migrated template (or, with `empty`, creates a bare database), as
 * createTestDatabase does, and opens a pool of `size` connections on it (its warnings silent),
 * ended in the test's teardown.
 */
export async function createTestPool(
  t: Teardown,
  size: number,
  options: { empty?: boolean } = {},
): Promise<TestPool> {
  const db = await createTestDatabase(t, options);
  const pool = createPool(
    db.url,
    size,
    createLogger({ logLevel: 'silent', logFormat: 'json' }),
    'test',
  );
  t.teardown(() => pool.end());
  return { ...db, pool };
}

/** sqlError awaits a statement that must fail and returns its error (code and message). */
export async function sqlError(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the statement to fail');
}
