import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withAdmin } from './database.ts';
import { debianToolMissing } from './debian.ts';
import { type CliProcess, freePort, runCommand, type Teardown, terminate } from './processes.ts';

/** PGBOUNCER is Debian's pgbouncer (1.18 on bookworm); no test builds or downloads its own. */
export const PGBOUNCER = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';

/**
 * pgbouncerUnavailable says why PgBouncer tests cannot run here, or undefined when they can. In
 * CI (.ci/run installs pgbouncer) a missing pgbouncer is an error, not a reason to skip.
 */
export function pgbouncerUnavailable(): string | undefined {
  return debianToolMissing(PGBOUNCER, 'pgbouncer', 'the PgBouncer test');
}

/** PoolMode is when PgBouncer gives a server connection back: after each transaction, or session. */
export type PoolMode = 'transaction' | 'session';

/** PgBouncerOptions say what a PgBouncer fronts and how it pools. */
export interface PgBouncerOptions {
  /** server is a postgres:// URL of the PostgreSQL server; every database on it is served. */
  readonly server: string;
  readonly poolMode: PoolMode;
  /** poolSize is default_pool_size: server connections per database and user. */
  readonly poolSize: number;
  /** maxClients is max_client_conn: client connections PgBouncer accepts, all pools together. */
  readonly maxClients?: number;
}

/** PoolCounts is one row of PgBouncer's SHOW POOLS: a database's clients and server connections. */
export interface PoolCounts {
  readonly database: string;
  readonly clientsActive: number;
  readonly clientsWaiting: number;
  readonly serversActive: number;
  readonly serversIdle: number;
  readonly serversUsed: number;
  readonly mode: string;
}

/** PgBouncer is a running pgbouncer of our own: its own config in a temporary directory, its own port. */
export interface PgBouncer {
  readonly port: number;
  readonly process: CliProcess;
  /** url is the postgres:// URL of `database` through this PgBouncer. */
  url(database: string): string;
  /** pools is SHOW POOLS from PgBouncer's admin console, per database served. */
  pools(): Promise<PoolCounts[]>;
  /** stop shuts it down and removes its directory. */
  stop(): Promise<void>;
}

/**
 * startPgBouncer starts Debian's pgbouncer on a free port of 127.0.0.1 in front of every database
 * of `server` (a wildcard entry), trusting the server URL's user, with no Unix socket and its log
 * on stderr; as root it drops to `nobody`, as pgbouncer refuses to run as root. With a test it is
 * stopped in the test's teardown; without one, whoever started it stops it.
 */
export async function startPgBouncer(
  t: Teardown | undefined,
  options: PgBouncerOptions,
): Promise<PgBouncer> {
  if (!existsSync(PGBOUNCER)) {
    throw new Error(
      `${PGBOUNCER} is missing: install Debian's pgbouncer (apt-get install pgbouncer)`,
    );
  }
  const target = new URL(options.server);
  const user = decodeURIComponent(target.username) || os.userInfo().username;
  const port = await freePort();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'schoolbell-pgbouncer-'));
  // Readable by the user pgbouncer drops to; it holds no secret (trust authentication).
  await fs.chmod(dir, 0o755);
  const users = path.join(dir, 'users.txt');
  await fs.writeFile(users, `"${user}" ""\n`, { mode: 0o644 });
  const ini = path.join(dir, 'pgbouncer.ini');
  const config = [
    '[databases]',
    `* = host=${target.hostname} port=${target.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${users}`,
    `admin_users = ${user}`,
    `pool_mode = ${options.poolMode}`,
    `default_pool_size = ${options.poolSize}`,
    `max_client_conn = ${options.maxClients ?? 500}`,
    'log_connections = 0',
    'log_disconnections = 0',
  ];
  await fs.writeFile(ini, `${config.join('\n')}\n`, { mode: 0o644 });
  const args = process.getuid?.() === 0 ? ['-u', 'nobody', ini] : [ini];
  const bouncer = runCommand(t, PGBOUNCER, args, {});
  try {
    await bouncer.waitFor(/listening on 127\.0\.0\.1/, 30_000);
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
  const url = (database: string) =>
    `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const stop = async () => {
    await terminate(bouncer);
    await fs.rm(dir, { recursive: true, force: true });
  };
  t?.teardown(stop);
  return {
    port,
    process: bouncer,
    url,
    async pools() {
      // The admin console speaks the simple query protocol only: no parameters.
      const { rows } = await withAdmin(url('pgbouncer'), (client) => client.query('show pools'));
      return rows.map((row) => ({
        database: row.database,
        clientsActive: Number(row.cl_active),
        clientsWaiting: Number(row.cl_waiting),
        serversActive: Number(row.sv_active),
        serversIdle: Number(row.sv_idle),
        serversUsed: Number(row.sv_used),
        mode: row.pool_mode,
      }));
    },
    stop,
  };
}
