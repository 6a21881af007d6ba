import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createDb, createPool } from './db/db.ts';
import { findUserRole } from './db/users.ts';
import { type Duration, parseDuration } from './duration.ts';
import { signToken } from './http/auth.ts';
import {
  createLogger,
  type Logger,
  logFormatFromEnvironment,
  routeConsoleToLogger,
} from './log.ts';

type Options = Record<string, string | boolean | Array<string | boolean> | undefined>;

interface Command {
  readonly summary: string;
  readonly help: string;
  readonly options?: Record<string, { type: 'string' | 'boolean' }>;
  /**
   * output: the command prints a result on stdout (a token, a URL), so its logs go to stderr
   * and any failure is one line there, without a stack.
   */
  readonly output?: boolean;
  run(config: Config, log: Logger, options: Options): Promise<void>;
}

/** Exit statuses, from BSD's sysexits.h where one fits (README: Roles). */
const EXIT = {
  failed: 1,
  usage: 64, // EX_USAGE: a mistake on the command line
  noUser: 67, // EX_NOUSER: `token --user` names no user
  unavailable: 69, // EX_UNAVAILABLE: the database cannot be reached
  config: 78, // EX_CONFIG: a bad setting
} as const;

/** UsageError is a mistake on the command line: printed as one line, exit status 64. */
class UsageError extends Error {
  override name = 'UsageError';
}

/** CommandError is an expected failure with its own exit status, printed as one line. */
class CommandError extends Error {
  override name = 'CommandError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** UNREACHABLE are the errors of a database that cannot be reached or will not let us in. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  '3D000', // the database does not exist
  '28000', // no such role / not allowed
  '28P01', // wrong password
]);

/** unreachable says whether an error means the database could not be reached. */
function unreachable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.some(unreachable);
}

/**
 * oneLine is an error's message on one line, for a terminal or a script: a configuration error
 * that lists several variables, one per line, becomes "invalid configuration: A: ...; B: ...".
 */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const [head = '', ...rest] = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (error instanceof ConfigError && rest.length > 0) return `${head} ${rest.join('; ')}`;
  const code = (error as { code?: unknown }).code;
  return head || (typeof code === 'string' ? code : 'failed');
}

const ROLE_HELP = `
Reads its settings from the environment and from .env (see .env.example).
Without DATABASE_URL, it starts an embedded PostgreSQL under DATA_DIR on EMBEDDED_PG_PORT.
SIGTERM or SIGINT drains requests and running jobs (up to SHUTDOWN_TIMEOUT), then exits 0.`;

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'migrate, then run the GraphQL server and the worker in one process',
    help: `Usage: schoolbell start

Applies pending migrations, then serves GraphQL on HOST:PORT and runs the
worker (tasks/ and the crontab) in the same process. The default role.
${ROLE_HELP}`,
    run: (config, log) => serve('start', config, log),
  },
  server: {
    summary: 'run only the GraphQL server (needs DATABASE_URL)',
    help: `Usage: schoolbell server

Serves GraphQL on HOST:PORT. Runs no jobs; start workers separately.
Requires DATABASE_URL and a migrated database (schoolbell migrate).`,
    run: (config, log) => serve('server', config, log),
  },
  worker: {
    summary: 'run only the job worker (needs DATABASE_URL); --once: run what is due and exit',
    options: { once: { type: 'boolean' } },
    help: `Usage: schoolbell worker [--once]

Runs the tasks in tasks/ and the schedules in the crontab. Run as many as you
like against one database; Postgres coordinates them.
Requires DATABASE_URL and a migrated database (schoolbell migrate).

--once  runs every job that is due now, once each, and exits: 0 when all of
        them succeeded (or none was due), 1 when any failed (a failed job is
        retried later, with backoff, as usual). For cron-driven deployments and
        DBAs. The crontab's schedules are not run: schedule the sweeps you want
        in your own cron. Without DATABASE_URL it uses the embedded PostgreSQL
        of a running \`npm start\`.`,
    run: (config, log, options) =>
      options.once === true ? runDueJobsOnce(config, log) : serve('worker', config, log),
  },
  migrate: {
    summary: 'apply pending migrations from sql/ and exit',
    help: `Usage: schoolbell migrate

Installs graphile-worker's schema, then applies each pending file in sql/ in its
own transaction. Safe to run from several replicas at once. Refuses to run when
a file that was already applied has been edited, and on a database migrated by
0.1 (0.2 squashed the migrations: recreate it). Exits 1 when it refuses.`,
    run: async (config, log) => {
      const { openDatabase, prepareDatabase } = await import('./service.ts');
      const { MigrationError } = await import('./db/migrate.ts');
      const database = await openDatabase('migrate', config, log);
      const pool = createPool(database.url, 2, log, 'migrate');
      try {
        await prepareDatabase(pool, config, log, true);
      } catch (error) {
        // Why migrating stopped is for the person running it: one line, exit status 1.
        if (error instanceof MigrationError) throw new CommandError(error.message, EXIT.failed);
        throw error;
      } finally {
        await pool.end();
        await database.embedded?.stop();
      }
    },
  },
  token: {
    summary: 'print a bearer token for a user (development and tests)',
    options: { user: { type: 'string' }, ttl: { type: 'string' } },
    output: true,
    help: `Usage: schoolbell token --user <id> [--ttl <interval>]

Prints an HS256 token (signed with JWT_SECRET) for the user with that id, carrying
the user's role, valid for --ttl: at most TOKEN_MAX_TTL, by default "12 hours"
(or TOKEN_MAX_TTL if that is shorter). Use it as
  Authorization: Bearer <token>
Only the token goes to stdout (logs go to stderr), so a shell can capture it:
  T=$(npx schoolbell token --user <id>)     or     T=$(npm run -s token -- --user <id>)
Without DATABASE_URL it uses the embedded PostgreSQL of a running \`npm start\`,
wherever it listens, or starts it for a moment. Outside production, every command
that prepares the database (start, migrate, server, worker) adds the users whose ids
the README lists.
Exits 64 on a bad --user or --ttl, 67 when no user has that id, 69 when the
database cannot be reached, 78 on a bad setting.`,
    run: async (config, log, options) => {
      const user = options.user;
      if (typeof user !== 'string' || !/^[0-9a-f-]{36}$/i.test(user)) {
        throw new UsageError('--user <id> is required and must be a user id (a UUID)');
      }
      let ttl: Duration;
      try {
        ttl = parseDuration(typeof options.ttl === 'string' ? options.ttl : '12 hours');
        if (typeof options.ttl !== 'string' && ttl.ms > config.tokenMaxTtl.ms) {
          ttl = config.tokenMaxTtl;
        }
      } catch (error) {
        throw new UsageError(`--ttl ${(error as Error).message}`);
      }
      if (ttl.ms > config.tokenMaxTtl.ms) {
        throw new UsageError(
          `--ttl must be at most TOKEN_MAX_TTL (${config.tokenMaxTtl.text}): the API refuses longer-lived tokens`,
        );
      }
      const { openDatabase } = await import('./service.ts');
      const database = await openDatabase('token', config, log);
      const pool = createPool(database.url, 1, log, 'token');
      try {
        const found = await findUserRole(createDb(pool), user);
        if (!found) throw new CommandError(`no user with id ${user}`, EXIT.noUser);
        // The token is this command's output, not a log line.
        process.stdout.write(
          `${await signToken(found, config.jwtSecret, Math.round(ttl.ms / 1000))}\n`,
        );
      } finally {
        await pool.end();
        await database.embedded?.stop();
      }
    },
  },
};

COMMANDS['db-url'] = {
  summary: 'print the connection string of the database the service uses',
  output: true,
  help: `Usage: schoolbell db-url

Prints the connection string of the database the service uses, and nothing else
on stdout: DATABASE_URL when it is set, else the embedded PostgreSQL's (that of a
running \`npm start\`, wherever it listens). Starts nothing. For example:
  psql "$(npx schoolbell db-url)"`,
  run: async (config, log) => {
    const { databaseInUse } = await import('./service.ts');
    const { url, running } = await databaseInUse(config);
    if (!running)
      log.warn('the embedded PostgreSQL is not running: `npm start` starts it at this address');
    process.stdout.write(`${url}\n`);
  },
};

/**
 * runDueJobsOnce is `worker --once`: checks that the database is migrated, runs every job that
 * is due, and fails (exit 1) when any of them failed.
 */
async function runDueJobsOnce(config: Config, log: Logger): Promise<void> {
  const { openDatabase, prepareDatabase } = await import('./service.ts');
  const { runDueJobs } = await import('./worker/worker.ts');
  const database = await openDatabase('worker-once', config, log);
  const pool = createPool(database.url, config.workerConcurrency + 2, log, 'worker');
  try {
    await prepareDatabase(pool, config, log, false);
    const { succeeded, failed } = await runDueJobs({ config, pool, log });
    log.info({ succeeded, failed }, `ran ${succeeded + failed} due jobs: ${failed} failed`);
    if (failed > 0)
      throw new CommandError(
        `${failed} of ${succeeded + failed} due jobs failed (see graphile_worker.jobs and app_private.job_history)`,
        EXIT.failed,
      );
  } finally {
    await pool.end();
    await database.embedded?.stop();
  }
}

const USAGE = `Usage: schoolbell <command> [--help]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(9)} ${command.summary}`)
  .join('\n')}

With no command, \`start\` runs.`;

/** SIGNAL_ECHO_MS is how soon a repeat of the first signal counts as the same request to stop. */
const SIGNAL_ECHO_MS = 1_000;

/** serve runs a long-lived role until SIGTERM or SIGINT, then drains it and exits 0. */
async function serve(
  role: 'start' | 'server' | 'worker',
  config: Config,
  log: Logger,
): Promise<void> {
  const { startService } = await import('./service.ts');
  const service = await startService(role, config, log);
  await new Promise<void>((resolve) => {
    let first: { signal: NodeJS.Signals; at: number } | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first) {
        // Ctrl-C reaches every process of the terminal's group, and `npm start` forwards the
        // same signal to us once more: a repeat within a second is that echo, not a second ask.
        if (signal === first.signal && Date.now() - first.at < SIGNAL_ECHO_MS) return;
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      first = { signal, at: Date.now() };
      service.stop(signal).then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * complain reports a mistake (a bad command line or setting, an expected failure) as one line on
 * stderr: a JSON log line when LOG_FORMAT or NODE_ENV asks for JSON, so that production logs
 * stay parseable, else plain text.
 */
function complain(text: string, format = logFormatFromEnvironment()): void {
  if (format === 'json') {
    createLogger({ logLevel: 'info', logFormat: 'json' }, 'stderr').fatal(text);
  } else {
    process.stderr.write(`${text}\n`);
  }
}

/** main parses argv, runs one command and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const first = argv.find((arg) => !arg.startsWith('-'));
  const declared = (first !== undefined && COMMANDS[first]?.options) || {};
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, ...declared },
    });
  } catch (error) {
    const where = first !== undefined && COMMANDS[first] ? `schoolbell ${first}` : 'schoolbell';
    // Node's message goes on to explain `--`; its first sentence says what is wrong.
    const what = oneLine(error).split('. ')[0]?.replace(/\.$/, '');
    complain(`${where}: ${what} (\`${where} --help\` lists the options)`);
    return EXIT.usage;
  }
  const { positionals, values } = parsed;
  const name = positionals[0] ?? 'start';
  if (name === 'help' || (positionals.length === 0 && values.help)) {
    const topic = positionals[1] && COMMANDS[positionals[1]];
    console.log(topic ? topic.help : USAGE);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    complain(`schoolbell: unknown command "${name}" (\`schoolbell --help\` lists the commands)`);
    return EXIT.usage;
  }
  if (values.help) {
    console.log(command.help);
    return 0;
  }
  if (positionals.length > 1) {
    complain(
      `schoolbell ${name}: unexpected argument "${positionals[1]}" (\`schoolbell ${name} --help\` shows the usage)`,
    );
    return EXIT.usage;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      complain(`schoolbell: ${oneLine(error)}`);
      return EXIT.config;
    }
    throw error;
  }
  const log = createLogger(config, command.output ? 'stderr' : 'stdout');
  routeConsoleToLogger(log);
  // Grafast reads GRAPHILE_ENV when it loads, hence the service modules are imported only now.
  process.env.GRAPHILE_ENV ??= config.production ? 'production' : 'development';
  const fail = (text: string, status: number) => {
    complain(text, config.logFormat);
    return status;
  };
  try {
    await command.run(config, log, values);
    return 0;
  } catch (error) {
    if (error instanceof UsageError)
      return fail(`schoolbell ${name}: ${error.message}`, EXIT.usage);
    // Some settings can only be checked against the database (durations, as Postgres reads them).
    if (error instanceof ConfigError) return fail(`schoolbell: ${oneLine(error)}`, EXIT.config);
    if (error instanceof CommandError)
      return fail(`schoolbell ${name}: ${error.message}`, error.status);
    if (unreachable(error))
      return fail(
        `schoolbell ${name}: cannot reach the database: ${oneLine(error)}`,
        EXIT.unavailable,
      );
    if (command.output) return fail(`schoolbell ${name}: ${oneLine(error)}`, EXIT.failed);
    log.fatal({ err: error }, `${name} failed: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
