import { parseArgs } from 'node:util';
import { signToken } from './auth.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createDb, createPool } from './db.ts';
import { type Duration, parseDuration } from './duration.ts';
import {
  createLogger,
  type Logger,
  logFormatFromEnvironment,
  routeConsoleToLogger,
} from './log.ts';
import { findUserRole } from './users.ts';

type Options = Record<string, string | boolean | Array<string | boolean> | undefined>;

interface Command {
  readonly summary: string;
  readonly help: string;
  readonly options?: Record<string, { type: 'string' | 'boolean' }>;
  run(config: Config, log: Logger, options: Options): Promise<void>;
}

/** UsageError is a mistake on the command line: printed without a stack, exit status 2. */
class UsageError extends Error {
  override name = 'UsageError';
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
    summary: 'run only the job worker (needs DATABASE_URL)',
    help: `Usage: schoolbell worker

Runs the tasks in tasks/ and the schedules in the crontab. Run as many as you
like against one database; Postgres coordinates them.
Requires DATABASE_URL and a migrated database (schoolbell migrate).`,
    run: (config, log) => serve('worker', config, log),
  },
  migrate: {
    summary: 'apply pending migrations from sql/ and exit',
    help: `Usage: schoolbell migrate

Installs graphile-worker's schema, then applies each pending file in sql/ in its
own transaction. Safe to run from several replicas at once. Refuses to run when
a file that was already applied has been edited.`,
    run: async (config, log) => {
      const { openDatabase, prepareDatabase } = await import('./service.ts');
      const database = await openDatabase('migrate', config, log);
      const pool = createPool(database.url, 2, log, 'migrate');
      try {
        await prepareDatabase(pool, config, log, true);
      } finally {
        await pool.end();
        await database.embedded?.stop();
      }
    },
  },
  token: {
    summary: 'print a bearer token for a user (development and tests)',
    options: { user: { type: 'string' }, ttl: { type: 'string' } },
    help: `Usage: schoolbell token --user <id> [--ttl <interval>]

Prints an HS256 token (signed with JWT_SECRET) for the user with that id, carrying
the user's role, valid for --ttl: at most TOKEN_MAX_TTL, by default "12 hours"
(or TOKEN_MAX_TTL if that is shorter). Use it as
  Authorization: Bearer <token>
In development, \`npm start\` seeds users whose ids the README lists.`,
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
        if (!found) throw new UsageError(`no user with id ${user}`);
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
 * complain reports a mistake made before the configuration (and so the logger) exists: as a
 * JSON line when LOG_FORMAT or NODE_ENV asks for JSON, so that production logs stay parseable.
 */
function complain(text: string): void {
  if (logFormatFromEnvironment() === 'json') {
    createLogger({ logLevel: 'info', logFormat: 'json' }).fatal(text);
  } else {
    console.error(text);
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
    complain(`schoolbell: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
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
    complain(`schoolbell: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(command.help);
    return 0;
  }
  if (positionals.length > 1) {
    complain(`schoolbell ${name}: unexpected argument "${positionals[1]}"\n\n${command.help}`);
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      complain(`schoolbell: ${error.message}`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(config);
  routeConsoleToLogger(log);
  // Grafast reads GRAPHILE_ENV when it loads, hence the service modules are imported only now.
  process.env.GRAPHILE_ENV ??= config.production ? 'production' : 'development';
  try {
    await command.run(config, log, values);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`schoolbell ${name}: ${error.message}`);
      return 2;
    }
    // Some settings can only be checked against the database (durations, as Postgres reads them).
    if (error instanceof ConfigError) {
      console.error(`schoolbell: ${error.message}`);
      return 78; // EX_CONFIG
    }
    log.fatal({ err: error }, `${name} failed: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
