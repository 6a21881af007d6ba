// The cluster the chaos run breaks: an embedded PostgreSQL it can crash and start again, two
// servers and three workers as real processes on fixed ports (the load keeps its addresses
// across restarts), the third worker reaching Postgres through a TCP proxy that can be cut.
import fs from 'node:fs/promises';
import path from 'node:path';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/db/embedded.ts';
import type { Logger } from '../src/log.ts';
import { type CliProcess, finished, freePort, runCli, terminate } from '../support/processes.ts';
import { startProxy, type Proxy as TcpProxy } from '../support/proxy.ts';
import { waitUntil } from '../support/waiting.ts';

/** Database is the run's PostgreSQL: where it listens, and how to crash and start it. */
export interface Database {
  readonly url: string;
  readonly port: number;
  /** crash shuts the server down the way a power cut would (immediate: no checkpoint, crash recovery on start). */
  crash(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * startDatabase starts an embedded PostgreSQL (the npm binaries src/db/embedded.ts uses, so a
 * fresh clone and CI need nothing else) in `dataDir`, on a free port of 127.0.0.1.
 */
export async function startDatabase(dataDir: string, log: Logger): Promise<Database> {
  const port = await freePort();
  const options = { dataDir, port, database: 'schoolbell', log };
  let server: EmbeddedPostgres | undefined = await startEmbeddedPostgres(options);
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  return {
    url: server.url,
    port,
    async crash() {
      const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
      // SIGQUIT is PostgreSQL's immediate shutdown: every backend quits at once, nothing is
      // flushed, and the next start replays the WAL, as after a crash.
      process.kill(pid, 'SIGQUIT');
      await waitUntil('PostgreSQL is gone', async () => !alive(pid), 60_000);
      server = undefined;
    },
    async start() {
      server = await startEmbeddedPostgres(options);
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Replica is one server or worker process, started again after each death. */
export interface Replica {
  readonly name: string;
  readonly role: 'server' | 'worker';
  /** url is its http://127.0.0.1:port, the same across restarts. */
  readonly url: string;
  /** pid of the running process, undefined while it is down. */
  pid(): number | undefined;
  /** kill sends SIGKILL and keeps it down until start. */
  kill(): Promise<void>;
  /** start starts it (again) and resolves once its /readyz answers 200. */
  start(): Promise<void>;
  /** ready says whether it runs and its /readyz answers 200 now. */
  ready(): Promise<boolean>;
  /** stop sends SIGTERM and keeps it down. */
  stop(): Promise<void>;
  /** exits lists its deaths nobody asked for (a supervisor such as Kubernetes would restart it). */
  readonly exits: Array<{ at: number; code: number | string; output: string }>;
}

/**
 * startReplica runs `schoolbell <role>` with `env` on a port of its own, as deployed, and
 * supervises it: a death nobody asked for is recorded and the process is started again, as a
 * container platform would.
 */
export async function startReplica(
  name: string,
  role: 'server' | 'worker',
  env: Record<string, string>,
  log: Logger,
): Promise<Replica> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let cli: CliProcess | undefined;
  let wanted = false;
  const exits: Replica['exits'] = [];

  const launch = () => {
    const started = runCli(undefined, [role], { ...env, PORT: String(port) }, { deployed: true });
    cli = started;
    void finished(started).then((code) => {
      if (cli !== started) return;
      cli = undefined;
      if (!wanted) return;
      exits.push({ at: Date.now(), code, output: started.output().slice(-2000) });
      log.warn({ replica: name, code }, 'replica exited by itself; starting it again');
      setTimeout(() => {
        if (wanted && !cli) launch();
      }, 1_000);
    });
  };

  const ready = async () =>
    cli !== undefined &&
    (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    ));

  const replica: Replica = {
    name,
    role,
    url,
    exits,
    pid: () => cli?.child.pid,
    ready,
    async kill() {
      wanted = false;
      const victim = cli;
      cli = undefined;
      if (victim) {
        victim.child.kill('SIGKILL');
        await victim.exited;
      }
    },
    async start() {
      wanted = true;
      if (!cli) launch();
      await waitUntil(`${name} is ready`, ready, 600_000);
    },
    async stop() {
      wanted = false;
      const running = cli;
      cli = undefined;
      if (running) await terminate(running);
    },
  };
  await replica.start();
  return replica;
}

/** Cluster is everything the run starts and breaks. */
export interface Cluster {
  readonly database: Database;
  readonly proxy: TcpProxy;
  readonly servers: readonly Replica[];
  readonly workers: readonly Replica[];
  readonly replicas: readonly Replica[];
  /** proxied is the replica whose database connection goes through the proxy. */
  readonly proxied: Replica;
  stop(): Promise<void>;
}

/**
 * startCluster starts two servers and three workers against `database`; the third worker
 * connects through a proxy.
 */
export async function startCluster(
  database: Database,
  env: Record<string, string>,
  log: Logger,
): Promise<Cluster> {
  const proxy = await startProxy({ host: '127.0.0.1', port: database.port });
  const viaProxy = new URL(database.url);
  viaProxy.port = String(proxy.port);
  const started: Replica[] = [];
  try {
    for (const [name, role, url] of [
      ['server-1', 'server', database.url],
      ['server-2', 'server', database.url],
      ['worker-1', 'worker', database.url],
      ['worker-2', 'worker', database.url],
      ['worker-3', 'worker', viaProxy.toString()],
    ] as const) {
      started.push(await startReplica(name, role, { ...env, DATABASE_URL: url }, log));
    }
  } catch (error) {
    await Promise.all(started.map((replica) => replica.stop()));
    await proxy.close();
    throw error;
  }
  const proxied = started[4] as Replica;
  return {
    database,
    proxy,
    servers: started.filter((replica) => replica.role === 'server'),
    workers: started.filter((replica) => replica.role === 'worker'),
    replicas: started,
    proxied,
    async stop() {
      await Promise.all(started.map((replica) => replica.stop()));
      await proxy.close();
    },
  };
}
