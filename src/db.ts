import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from './log.ts';

/**
 * Database maps schema-qualified table names to their row types for kysely. Tables are added
 * here as migrations create them.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as tables arrive
export interface Database {}

/**
 * createPool opens a connection pool. A connection that breaks (Postgres restarted, network
 * gone) is logged and discarded by pg; without these handlers its error would crash the process.
 */
export function createPool(url: string, size: number, log: Logger, name: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    application_name: `schoolbell ${name}`,
  });
  pool.on('error', (error) =>
    log.warn({ err: error, pool: name }, 'idle database connection failed'),
  );
  pool.on('connect', (client) => {
    client.on('error', (error) =>
      log.warn({ err: error, pool: name }, 'database connection failed'),
    );
  });
  return pool;
}

/**
 * createDb wraps a pool in a typed kysely query builder. The pool's owner ends the pool;
 * never call destroy() on the result.
 */
export function createDb(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
