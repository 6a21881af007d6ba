import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { root } from '../src/paths.ts';
import { waitUntil } from './waiting.ts';

/** Teardown is what a tap test offers to clean up after itself. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** freePort asks the OS for a TCP port nobody listens on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** CliProcess is a running `schoolbell` command whose output the test can wait on. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** output is everything printed so far, stdout and stderr together. */
  output(): string;
  /** stdout is what was printed on stdout alone (a command's result). */
  stdout(): string;
  /** stderr is what was printed on stderr alone. */
  stderr(): string;
  /** waitFor resolves once the output matches, or rejects when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** exited resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
}

/** CommandOptions change how runCli and runCommand start a process. */
export interface CommandOptions {
  /**
   * detached gives it a process group of its own, like a terminal's foreground job, so a test
   * can signal the whole group.
   */
  detached?: boolean;
  /**
   * deployed runs it as deployed rather than as tests want it: the service's own PORT and rate
   * limit, and its stderr on ours (benchmarks measure the service as an operator runs it).
   */
  deployed?: boolean;
}

/**
 * runCli starts `node src/cli.ts <args>` with exactly the given environment (plus PATH and HOME), the
 * way a user's shell would, and kills it in the test's teardown (if there is a test) if it is
 * still running.
 */
export function runCli(
  t: Teardown | undefined,
  args: string[],
  env: Record<string, string>,
  options: CommandOptions = {},
): CliProcess {
  return runCommand(
    t,
    process.execPath,
    [path.join(root, 'src', 'cli.ts'), ...args],
    behindPgBouncer(args, env),
    options,
  );
}

/**
 * behindPgBouncer is the environment of a `server` when the run puts every server behind
 * PgBouncer (`TEST_PGBOUNCER=1 npm test`: scripts/test.ts starts one in transaction mode and
 * names it in SCHOOLBELL_TEST_PGBOUNCER_URL): DATABASE_URL through it, subscriptions listening
 * on the database directly, statements unnamed, as README (Connections and pooling) says to
 * deploy it. Other roles, and a server whose DATABASE_URL is not on the test server (a proxy,
 * a bad URL), are left as they are.
 */
function behindPgBouncer(args: string[], env: Record<string, string>): Record<string, string> {
  const bouncer = process.env.SCHOOLBELL_TEST_PGBOUNCER_URL;
  const server = process.env.SCHOOLBELL_TEST_SERVER_URL;
  const direct = env.DATABASE_URL === undefined ? null : URL.parse(env.DATABASE_URL);
  if (args[0] !== 'server' || !bouncer || !server || !direct) return env;
  if (direct.host !== URL.parse(server)?.host) return env;
  const pooled = new URL(bouncer);
  pooled.pathname = direct.pathname;
  pooled.search = direct.search;
  return {
    DATABASE_LISTEN_URL: direct.toString(),
    DATABASE_PREPARED_STATEMENTS: 'off',
    ...env,
    DATABASE_URL: pooled.toString(),
  };
}

/**
 * runCommand starts any command in the repository the way runCli does (PATH, HOME and the
 * given environment only).
 */
export function runCommand(
  t: Teardown | undefined,
  command: string,
  args: string[],
  env: Record<string, string>,
  options: CommandOptions = {},
): CliProcess {
  const child = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      LOG_FORMAT: 'json',
      DOTENV_PATH: '/dev/null',
      // PORT 0: any free port, so that processes started side by side never collide. Tests send
      // requests faster than a person would: the rate limit is off unless a test sets it.
      ...(options.deployed ? {} : { PORT: '0', GRAPHQL_RATE_LIMIT: 'off' }),
      ...env,
    },
    stdio: ['ignore', 'pipe', options.deployed ? 'inherit' : 'pipe'],
    detached: options.detached ?? false,
  });
  let text = '';
  const streams = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    text += chunk.toString();
    streams[stream] += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const listener of listeners) listener();
    });
  });
  t?.teardown(() => {
    if (options.detached && child.pid !== undefined) {
      // The whole group: npm's children too, should the test have failed before they ended.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    } else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    output: () => text,
    stdout: () => streams.stdout,
    stderr: () => streams.stderr,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        function check() {
          if (pattern.test(text)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(
              new Error(
                `process exited (${child.exitCode ?? child.signalCode}) before ${pattern}; output:\n${text}`,
              ),
            );
          }
        }
        listeners.add(check);
        check();
      });
    },
  };
}

/** terminate sends SIGTERM and resolves with the exit code (or the signal's name) once the process has exited. */
export async function terminate(cli: CliProcess): Promise<number | string> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
  return cli.exited;
}

/**
 * serve starts a long-running role (start or server) and waits until GraphQL listens; it is
 * stopped with SIGTERM when the test ends. base is its http://host:port.
 */
export async function serve(
  t: Teardown,
  role: 'start' | 'server',
  env: Record<string, string>,
): Promise<CliProcess & { base: string }> {
  const cli = runCli(t, [role], env);
  await cli.waitFor(/GraphQL server listening/);
  t.teardown(() => terminate(cli));
  const base = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(cli.output())?.[1];
  if (!base) throw new Error(`no URL in the log:\n${cli.output()}`);
  return { ...cli, base };
}

/**
 * finished waits for a command to exit and for its stdout and stderr to be read to the end
 * (a process's exit can come before the last of its output), and returns its exit code.
 */
export async function finished(cli: CliProcess): Promise<number | string> {
  const code = await cli.exited;
  await Promise.all(
    [cli.child.stdout, cli.child.stderr].map((stream) =>
      stream && !stream.readableEnded && !stream.destroyed
        ? new Promise((resolve) => {
            stream.once('end', resolve);
            stream.once('close', resolve);
          })
        : undefined,
    ),
  );
  return code;
}

/** RoleProcess is a role started outside a test; whoever started it stops it. */
export interface RoleProcess extends CliProcess {
  /** url is its http://host:port. */
  readonly url: string;
  /** stop sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * spawnRole starts `schoolbell <role>` as deployed (see CommandOptions), outside any test, on a
 * free port, and waits until its /readyz answers 200: for a worker, until it is ready to run jobs.
 */
export async function spawnRole(
  role: 'start' | 'server' | 'worker',
  env: Record<string, string>,
): Promise<RoleProcess> {
  const port = await freePort();
  const cli = runCli(undefined, [role], { ...env, PORT: String(port) }, { deployed: true });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    `${role} is ready`,
    async () => {
      if (cli.child.exitCode !== null || cli.child.signalCode !== null)
        throw new Error(`${role} exited before it was ready:\n${cli.output().slice(-4000)}`);
      return fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
    },
    60_000,
  );
  return {
    ...cli,
    url,
    async stop() {
      await terminate(cli);
    },
  };
}
