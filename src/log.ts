import { format } from 'node:util';
import { type Job, Logger as WorkerLogger } from 'graphile-worker';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

/**
 * createLogger returns the process logger: JSON lines in production, readable text otherwise.
 * It writes to stdout, or to stderr for commands whose stdout is their result (`token`, `db-url`).
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  to: 'stdout' | 'stderr' = 'stdout',
): Logger {
  const options = { level: config.logLevel, base: { pid: process.pid } };
  const fd = to === 'stderr' ? 2 : 1;
  if (config.logFormat === 'json')
    return fd === 1 ? pino(options) : pino(options, pino.destination({ fd, sync: true }));
  return pino(
    options,
    pretty({
      sync: true,
      destination: fd,
      colorize: (to === 'stderr' ? process.stderr : process.stdout).isTTY,
      ignore: 'pid,hostname',
      translateTime: 'SYS:HH:MM:ss.l',
    }),
  );
}

/**
 * logFormatFromEnvironment is the format a process uses before (or without) a valid
 * configuration, e.g. to report that the configuration is invalid: LOG_FORMAT when it is
 * json or pretty, else json in production.
 */
export function logFormatFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Config['logFormat'] {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return env.NODE_ENV === 'production' ? 'json' : 'pretty';
}

type ConsoleLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * routeConsoleToLogger sends everything else that would reach stdout or stderr through `log`,
 * one line per call. PostGraphile's grafserv and grafast have no logger option: they write
 * masked errors, the error behind every 401 and query planning errors with console.error, as
 * many lines of text. Node prints its warnings, and uncaught errors, the same way. So the
 * console methods are replaced (a long-running process owns its console), Node's default
 * warning printer is swapped for one that logs, and an uncaught error is logged as fatal
 * before the process exits with status 1, as Node would.
 */
export function routeConsoleToLogger(log: Logger): void {
  const source = log.child({ component: 'console' });
  const to =
    (level: ConsoleLevel) =>
    (...args: unknown[]) =>
      writeConsoleCall(source, level, args);
  console.error = to('error');
  console.warn = to('warn');
  console.log = to('info');
  console.info = to('info');
  console.debug = to('debug');
  console.trace = to('debug');
  // grafserv's only console.dir follows its "An error occurred whilst..." console.error.
  console.dir = (value: unknown) => writeConsoleCall(source, 'error', [value]);

  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    log.warn(
      { warning: { name: warning.name, code: (warning as { code?: string }).code } },
      `${warning.name}: ${warning.message}`,
    );
  });
  const die = (kind: string) => (error: unknown) => {
    log.fatal({ err: error }, `${kind}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
}

/**
 * writeConsoleCall turns one console call into one log line. An Error carrying an HTTP status
 * below 500 is the client's mistake (grafserv logs the AuthError behind each 401 this way):
 * it is logged at info, without a stack. Otherwise the first line of the text is the message,
 * the last Error among the arguments goes to `err`, and the rest of the text, if there is no
 * Error to carry it, to `detail`.
 */
function writeConsoleCall(log: Logger, level: ConsoleLevel, args: unknown[]): void {
  const [first] = args;
  const status =
    first instanceof Error ? (first as { statusCode?: unknown }).statusCode : undefined;
  if (args.length === 1 && typeof status === 'number' && status < 500) {
    log.info(
      { status, reason: (first as Error).message },
      `request refused (${status}): ${(first as Error).message}`,
    );
    return;
  }
  const error = args.findLast((arg) => arg instanceof Error);
  const text =
    args.length === 1 && first instanceof Error
      ? `${first.name}: ${first.message}`
      : format(...args);
  const newline = text.indexOf('\n');
  const message = (newline === -1 ? text : text.slice(0, newline)).trim();
  const rest = newline === -1 ? '' : text.slice(newline + 1).trim();
  const fields: Record<string, unknown> = {};
  if (error) fields.err = error;
  else if (rest) fields.detail = rest;
  log[level](fields, message || '(empty console output)');
}

export type { Logger };

/**
 * workerLogger routes graphile-worker's log lines into our structured logger, one line each.
 * graphile-worker logs every completed job at info with the whole job attached; here a line
 * about one job names the job (id, task, attempt) instead of dumping it, and its info lines
 * ("Completed task ... with success") are debug: an idle service's sweeps write nothing at
 * info, and the job history and metrics count every job anyway. Warnings and errors keep
 * their level.
 */
export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const { job, error, ...rest } = (meta ?? {}) as { job?: Job; error?: unknown } & Record<
      string,
      unknown
    >;
    const fields: Record<string, unknown> = { ...scope, ...rest };
    if (job) {
      fields.jobId = job.id;
      fields.task = job.task_identifier;
      fields.attempt = job.attempts;
    }
    let text = message;
    if (error !== undefined) {
      fields.err = error;
      // "Failed task ..." repeats the stack that `err` carries.
      text = message.split('\n', 1)[0] ?? message;
    }
    if (level === 'error') log.error(fields, text);
    else if (level === 'warning') log.warn(fields, text);
    else if (level === 'info' && !job) log.info(fields, text);
    else log.debug(fields, text);
  });
}
