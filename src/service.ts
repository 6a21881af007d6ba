import fs from 'node:fs/promises';
import type pg from 'pg';
import { type Config, ConfigError } from './config.ts';
import { createDb, createPool } from './db/db.ts';
import {
  type EmbeddedPostgres,
  embeddedUrl,
  findRunningEmbedded,
  startEmbeddedPostgres,
} from './db/embedded.ts';
import { MigrationError, migrate, pendingMigrations, readMigrations } from './db/migrate.ts';
import { databaseName, intervalMs, writeCrontab } from './db/queries.ts';
import { seedDevelopmentUsers } from './db/seed.ts';
import { writeSettings } from './db/settings.ts';
import { databaseProbes, type ReadinessProbe, sweepsProbe } from './http/readiness.ts';
import { type HttpServer, startServer } from './http/server.ts';
import type { Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { crontabPath } from './paths.ts';
import { crontabEntries } from './worker/schedule.ts';
import { startWorker, type Worker } from './worker/worker.ts';

/**
 * Role is what one schoolbell process does (`token` only reads the database; `worker-once` is
 * `worker --once`, which runs what is due and exits).
 */
export type Role = 'start' | 'server' | 'worker' | 'worker-once' | 'migrate' | 'token';

/** EMBEDDED_DATABASE is the name of the service's database on the embedded server. */
export const EMBEDDED_DATABASE = 'schoolbell';

/**
 * databaseInUse is the connection string of the database the service uses, without starting
 * anything: DATABASE_URL, else the embedded server a running `schoolbell start` owns (wherever
 * it listens), else where the embedded server will listen once started (running: false).
 */
export async function databaseInUse(config: Config): Promise<{ url: string; running: boolean }> {
  if (config.databaseUrl !== undefined) return { url: config.databaseUrl, running: true };
  const found = await findRunningEmbedded(config.dataDir, EMBEDDED_DATABASE, config.embeddedPgPort);
  if (found) return { url: found.url, running: true };
  return { url: embeddedUrl(config.embeddedPgPort, EMBEDDED_DATABASE), running: false };
}

/** DatabaseHandle is a connection string and, when we started the server ourselves, a way to stop it. */
interface DatabaseHandle {
  readonly url: string;
  readonly embedded?: EmbeddedPostgres;
}

/**
 * openDatabase returns DATABASE_URL when it is set. Otherwise `start` runs the embedded server
 * under DATA_DIR (and owns it until it stops); `migrate`, `token` and `worker --once` use the one a running
 * `start` owns, or start it just for themselves. `server` and `worker` are meant to scale out
 * against a shared database, so they refuse to guess.
 */
export async function openDatabase(
  role: Role,
  config: Config,
  log: Logger,
): Promise<DatabaseHandle> {
  if (config.databaseUrl !== undefined) return { url: config.databaseUrl };
  if (role === 'server' || role === 'worker') {
    throw new ConfigError(
      `DATABASE_URL is required for the ${role} role (replicas must share one database); \`schoolbell start\` runs everything on an embedded database`,
    );
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.embeddedPgPort,
    database: EMBEDDED_DATABASE,
    log: log.child({ component: 'embedded-postgres' }),
    shared: role !== 'start',
  });
  return { url: embedded.url, embedded };
}

/** Service is a running schoolbell process; stop() drains it in order and never throws. */
export interface Service {
  readonly http?: HttpServer;
  readonly worker?: Worker;
  stop(reason: string): Promise<void>;
}

/**
 * startService brings up a role: database (embedded if need be), migrations (for `start`) or a
 * check that they are current (for `server` and `worker`), then the HTTP server and/or the
 * worker. Anything already started is stopped again if a later step fails.
 */
export async function startService(
  role: 'start' | 'server' | 'worker',
  config: Config,
  log: Logger,
): Promise<Service> {
  // Undo steps, pushed as each part starts and run last-in first-out: the HTTP server stops
  // taking requests first, the embedded database goes last.
  const undo: Array<[string, () => Promise<unknown>]> = [];
  const stop = async (reason: string) => {
    log.info({ reason }, 'shutting down');
    for (const [name, step] of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        log.error({ err: error }, `stopping the ${name} failed`);
      }
    }
    log.info('stopped');
  };

  let http: HttpServer | undefined;
  let worker: Worker | undefined;
  try {
    const database = await openDatabase(role, config, log);
    const { embedded } = database;
    if (embedded) undo.push(['embedded PostgreSQL', () => embedded.stop()]);
    const pooling = { preparedStatements: config.preparedStatements };
    const servicePool = createPool(database.url, config.databasePoolSize, log, role, pooling);
    undo.push(['service pool', () => servicePool.end()]);
    await prepareDatabase(servicePool, config, log, role === 'start');
    const metrics = createMetrics(servicePool);
    const probes: Record<string, ReadinessProbe> = databaseProbes(servicePool);
    if (role === 'start' || role === 'worker') {
      const started = await startWorker({ config, pool: servicePool, log, metrics });
      undo.push(['worker', () => started.stop()]);
      probes.worker = () => started.probe();
      // Only a worker-only process fails readiness over late sweeps: it serves no requests, and
      // lateness is the whole cluster's, so API replicas going unready with it would turn late
      // sweeps into an outage (README: Health, readiness and metrics).
      if (role === 'worker') probes.sweeps = sweepsProbe(servicePool);
      worker = started;
    }
    // Every role serves /healthz, /readyz and /metrics; the API roles serve GraphQL too, from a
    // pool of their own so that busy jobs cannot starve requests, nor the reverse.
    // Subscriptions LISTEN on a session of their own (DATABASE_LISTEN_URL), opened with the
    // first subscription: DATABASE_URL may be a transaction pooler, where LISTEN cannot work.
    let graphqlPool: pg.Pool | undefined;
    let listenPool: pg.Pool | undefined;
    if (role === 'start' || role === 'server') {
      const apiPool = createPool(database.url, config.graphqlPoolSize, log, 'graphql', pooling);
      undo.push(['GraphQL pool', () => apiPool.end()]);
      graphqlPool = apiPool;
      const listen = createPool(config.listenUrl ?? database.url, 1, log, 'listen');
      undo.push(['listen pool', () => listen.end()]);
      if (config.listenUrl !== database.url) await checkListenDatabase(servicePool, listen);
      listenPool = listen;
    }
    const server = await startServer({
      config,
      log: log.child({ component: 'http' }),
      metrics,
      probes,
      graphqlPool,
      listenPool,
    });
    undo.push(['HTTP server', () => server.close()]);
    http = server;
  } catch (error) {
    await stop('startup failed');
    throw error;
  }
  return { http, worker, stop };
}

/**
 * prepareDatabase migrates (or, for replicas that must not, checks that the schema is current),
 * writes the settings and the crontab's schedules the SQL reads, and in development adds the
 * seed users.
 */
export async function prepareDatabase(
  pool: pg.Pool,
  config: Config,
  log: Logger,
  runMigrations: boolean,
): Promise<void> {
  await checkDurations(pool, config);
  if (runMigrations) {
    const applied = await migrate(pool, log.child({ component: 'migrate' }));
    log.info(
      { applied: applied.length },
      applied.length ? 'migrations applied' : 'database schema is current',
    );
  } else {
    await assertMigrated(pool);
  }
  const db = createDb(pool);
  await writeSettings(db, config);
  await writeCrontab(pool, crontabEntries(await fs.readFile(crontabPath, 'utf8')));
  if (config.devConveniences) {
    const added = await seedDevelopmentUsers(db);
    if (added > 0) log.info({ added }, 'added development users (see README: Trying it out)');
  }
}

/**
 * checkDurations casts every duration setting in Postgres, which is what reads them at work: one
 * it refuses, or reads otherwise than the config did, stops startup as a configuration error
 * (exit 78) instead of failing each request later with an error that looks like the caller's.
 */
export async function checkDurations(
  pool: pg.Pool,
  config: Pick<Config, 'durations'>,
): Promise<void> {
  const problems: string[] = [];
  for (const [name, duration] of config.durations) {
    try {
      const ms = await intervalMs(pool, duration.text);
      if (Math.abs(ms - duration.ms) > 0.001) {
        problems.push(
          `  ${name}: Postgres reads "${duration.text}" as ${ms} ms, not ${duration.ms}`,
        );
      }
    } catch (error) {
      // Class 22 is bad data (22007 unreadable, 22015 out of range); anything else is not ours.
      if (!/^22/.test(String((error as { code?: unknown }).code))) throw error;
      problems.push(
        `  ${name}: Postgres cannot read "${duration.text}": ${(error as Error).message}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
}

/**
 * checkListenDatabase refuses a DATABASE_LISTEN_URL that reaches another database than
 * DATABASE_URL: subscriptions would listen where no change is announced, and hear nothing.
 */
async function checkListenDatabase(pool: pg.Pool, listenPool: pg.Pool): Promise<void> {
  const [served, listened] = await Promise.all([databaseName(pool), databaseName(listenPool)]);
  if (served !== listened) {
    throw new ConfigError(
      `DATABASE_LISTEN_URL reaches database "${listened}", DATABASE_URL "${served}": subscriptions would hear nothing; point both at the same database`,
    );
  }
}

async function assertMigrated(pool: pg.Pool): Promise<void> {
  const pending = await pendingMigrations(pool, await readMigrations());
  if (pending.length > 0) {
    throw new MigrationError(
      `the database lacks ${pending.length} migration(s), starting with sql/${pending[0]?.filename}: run \`schoolbell migrate\` first`,
    );
  }
}
