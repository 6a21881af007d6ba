import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './db/db.ts';
import { settingRows, settingVariables } from './db/settings.ts';
import {
  DEADLINE_MAX,
  type Duration,
  durationSchema,
  isDuration,
  parseDuration,
  TIMER_MAX,
} from './duration.ts';

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535');

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
    message: 'must be a postgres:// URL, e.g. postgres://user@127.0.0.1:5432/schoolbell',
  });

const httpUrl = z
  .string()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
    message: 'must be an http:// or https:// URL',
  })
  .refine(
    (value) => {
      const url = URL.parse(value);
      return url === null || (url.username === '' && url.password === '');
    },
    {
      message:
        'must not hold credentials (user:password@): they would travel with every call and show wherever the URL does; the gateway checks X-Schoolbell-Signature instead',
    },
  );

const smtpUrl = z.string().refine((value) => /^smtps?:\/\//.test(value) && URL.canParse(value), {
  message: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587',
});

const count = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

const RATE_UNITS = { second: 1, minute: 60, hour: 3600 } as const;

/** RateLimit is how many GraphQL requests one caller may send per window. */
export interface RateLimit {
  readonly requests: number;
  readonly seconds: number;
  /** text is the setting as written, for messages: "300/minute". */
  readonly text: string;
}

/** parseRate reads "<n>/<second|minute|hour>"; undefined when the text is not one. */
function parseRate(text: string): RateLimit | undefined {
  const match = /^(\d+)\s*\/\s*(second|minute|hour)$/.exec(text.trim());
  const requests = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(requests) || requests < 1 || requests > 1_000_000) {
    return undefined;
  }
  const unit = match[2] as keyof typeof RATE_UNITS;
  return { requests, seconds: RATE_UNITS[unit], text: `${requests}/${unit}` };
}

const rateLimit = () =>
  z.string().transform((value, ctx): RateLimit | null => {
    if (value.trim() === 'off') return null;
    const rate = parseRate(value);
    if (rate) return rate;
    ctx.addIssue({
      code: 'custom',
      message: 'must be "<requests>/<second|minute|hour>", e.g. "300/minute", or "off"',
    });
    return z.NEVER;
  });

/** ChannelRate is one entry of CHANNEL_RATES: at most `requests` deliveries per `seconds`. */
export interface ChannelRate extends RateLimit {
  readonly channel: NotificationChannel;
}

const channelRates = () =>
  namedList<ChannelRate>(
    (part) => {
      const match = /^([^=]*)=(.*)$/.exec(part);
      const channel = match?.[1]?.trim() ?? '';
      if (!match || !(NOTIFICATION_CHANNELS as readonly string[]).includes(channel)) {
        return {
          problem: `"${excerptOf(part)}" is not <channel>=<n>/<second|minute|hour> with a channel of ${NOTIFICATION_CHANNELS.join(', ')}; write e.g. "webhook=50/second,email=10/second"`,
        };
      }
      return { ok: { name: channel, value: match[2] as string } };
    },
    (channel, value) => {
      const rate = parseRate(value);
      if (!rate) {
        return {
          problem: `${channel}: must be <n>/<second|minute|hour>, n from 1 to 1000000, e.g. 50/second`,
        };
      }
      return { ok: { ...rate, channel: channel as NotificationChannel } };
    },
  );

/** Read is what reading one part of a setting gave: its value, or what is wrong with it. */
type Read<T> = { readonly ok: T } | { readonly problem: string };

/**
 * namedList reads a comma-separated list of <name>=<value> entries (CHANNEL_RATES,
 * TASK_TIMEOUTS): `split` finds an entry's name and the text of its value, `read` turns them into
 * the entry; each may refuse with a message naming what is wrong, and a name given twice is
 * refused. Empty entries (a trailing comma) are skipped.
 */
function namedList<Entry>(
  split: (part: string) => Read<{ name: string; value: string }>,
  read: (name: string, value: string) => Read<Entry>,
) {
  return z.string().transform((text, ctx): Entry[] => {
    const entries: Entry[] = [];
    const names = new Set<string>();
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    for (const part of text.split(',').map((entry) => entry.trim())) {
      if (part === '') continue;
      const named = split(part);
      if ('problem' in named) return fail(named.problem);
      const { name, value } = named.ok;
      if (names.has(name)) return fail(`gives ${name} twice`);
      names.add(name);
      const entry = read(name, value);
      if ('problem' in entry) return fail(entry.problem);
      entries.push(entry.ok);
    }
    return entries;
  });
}

/** excerptOf keeps a hostile value's echo in an error message short. */
function excerptOf(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** TaskTimeout is one task's entry of TASK_TIMEOUTS: a duration, or null for none at all. */
export interface TaskTimeout {
  readonly task: string;
  readonly timeout: Duration | null;
}

/** TASK_TIMEOUT_MIN_MS is the shortest task timeout: shorter would fail a job before it fetched its row. */
const TASK_TIMEOUT_MIN_MS = 100;

const taskTimeouts = () =>
  namedList<TaskTimeout>(
    (part) => {
      const match = /^([a-z][a-z0-9_]*)\s*=\s*(.+)$/.exec(part);
      if (!match) {
        return {
          problem: `"${part}" is not <task>=<duration> or <task>=off; write e.g. "send_notification=30 seconds,run_schedule=1 minute"`,
        };
      }
      return { ok: { name: match[1] as string, value: (match[2] as string).trim() } };
    },
    (task, text) => {
      if (text.toLowerCase() === 'off') return { ok: { task, timeout: null } };
      let timeout: Duration;
      try {
        timeout = parseDuration(text);
      } catch (error) {
        return { problem: `${task}: ${(error as Error).message}` };
      }
      if (timeout.ms < TASK_TIMEOUT_MIN_MS || timeout.ms > parseDuration(TIMER_MAX).ms) {
        return {
          problem: `${task}: "${text}" must be between ${TASK_TIMEOUT_MIN_MS} milliseconds and ${TIMER_MAX}, or off`,
        };
      }
      return { ok: { task, timeout } };
    },
  );

const DEV_JWT_SECRET = 'schoolbell-development-secret-do-not-use-in-production';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
    DATABASE_GRAPHQL_POOL_SIZE: count(1, 200).optional(),
    DATABASE_LISTEN_URL: postgresUrl.optional(),
    DATABASE_PREPARED_STATEMENTS: z
      .enum(['on', 'off'], { error: 'must be on or off' })
      .default('on'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(5678),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_PORT: port
      .refine((value) => value !== 5432 && value !== 0, {
        message: 'must not be 5432, where a system Postgres may already run, nor 0',
      })
      .default(54329),
    LOG_LEVEL: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
      .default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
    SHUTDOWN_TIMEOUT: durationSchema(TIMER_MAX).default(parseDuration('30 seconds')),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TOKEN_MAX_TTL: durationSchema(DEADLINE_MAX).default(parseDuration('24 hours')),
    WEBHOOK_URL: httpUrl.optional(),
    WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    SMTP_URL: smtpUrl.optional(),
    SMTP_FROM: z.string().min(3).default('schoolbell <reminders@schoolbell.invalid>'),
    NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(5),
    NOTIFICATION_RETRY_DELAY: durationSchema('1 hour').default(parseDuration('10 seconds')),
    SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(500),
    WORKER_POLL_INTERVAL: durationSchema(TIMER_MAX).default(parseDuration('10 seconds')),
    WORKER_WAKEUP: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    WORKER_LOCAL_QUEUE_SIZE: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 (off) or more')
      .max(1000, 'must be at most 1000')
      .optional(),
    WORKER_BATCH_DELAY: z
      .string()
      .transform((value, ctx): Duration | 'off' => {
        if (value.trim().toLowerCase() === 'off') return 'off';
        try {
          return parseDuration(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `${(error as Error).message}, or off` });
          return z.NEVER;
        }
      })
      .default(parseDuration('0 seconds')),
    TASK_TIMEOUTS: taskTimeouts().default([]),
    CHANNEL_RATES: channelRates().default([]),
    // The settings the SQL reads (app_private.settings): variable, parser and default are
    // src/db/settings.ts's registry.
    ...settingVariables(),
    // HTTP hardening: GraphQL cost limits, rate limit, introspection, the ops address.
    GRAPHQL_MAX_DEPTH: count(2, 100).default(10),
    GRAPHQL_MAX_ALIASES: count(0, 1000).default(15),
    GRAPHQL_MAX_ROOT_FIELDS: count(1, 1000).default(10),
    GRAPHQL_MAX_COST: count(100, 100_000_000).default(50_000),
    GRAPHQL_DEFAULT_PAGE_SIZE: count(1, 100_000).default(100),
    GRAPHQL_MAX_PAGE_SIZE: count(1, 100_000).default(1000),
    GRAPHQL_MAX_OFFSET: count(0, 10_000_000).default(10_000),
    GRAPHQL_STATEMENT_TIMEOUT: durationSchema().default(parseDuration('5 seconds')),
    GRAPHQL_RATE_LIMIT: rateLimit().default({ requests: 300, seconds: 60, text: '300/minute' }),
    GRAPHQL_MAX_SUBSCRIPTIONS: count(1, 10_000).default(20),
    GRAPHQL_INTROSPECTION: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
    OPS_HOST: z.string().min(1).optional(),
    OPS_PORT: port.optional(),
  })
  .transform((env, ctx) => {
    const production = env.NODE_ENV === 'production';
    if (production && env.JWT_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
      return z.NEVER;
    }
    if (env.WEBHOOK_URL !== undefined && env.WEBHOOK_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET'],
        message: 'is required when WEBHOOK_URL is set',
      });
    }
    if (env.REMINDER_CHANNEL === 'webhook' && env.WEBHOOK_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_URL'],
        message: 'is required when REMINDER_CHANNEL=webhook',
      });
    }
    if (env.REMINDER_CHANNEL === 'email' && env.SMTP_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_URL'],
        message: 'is required when REMINDER_CHANNEL=email',
      });
    }
    // The local queue fetches for all the workers at once: smaller than the workers it feeds,
    // it would leave some idle while jobs wait (graphile-worker warns of the same).
    const localQueueSize = env.WORKER_LOCAL_QUEUE_SIZE ?? 2 * env.WORKER_CONCURRENCY;
    if (localQueueSize !== 0 && localQueueSize < env.WORKER_CONCURRENCY) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKER_LOCAL_QUEUE_SIZE'],
        message: `must be 0 (off) or at least WORKER_CONCURRENCY (${env.WORKER_CONCURRENCY})`,
      });
    }
    if (env.WORKER_BATCH_DELAY !== 'off' && env.WORKER_BATCH_DELAY.ms > 5_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKER_BATCH_DELAY'],
        message: 'must be at most 5 seconds (a finished job stays locked that long)',
      });
    }
    if (env.WORKER_POLL_INTERVAL.ms < 100) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKER_POLL_INTERVAL'],
        message: 'must be at least 100 milliseconds',
      });
    }
    if (env.GRAPHQL_DEFAULT_PAGE_SIZE > env.GRAPHQL_MAX_PAGE_SIZE) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAPHQL_DEFAULT_PAGE_SIZE'],
        message: `must not be more than GRAPHQL_MAX_PAGE_SIZE (${env.GRAPHQL_MAX_PAGE_SIZE})`,
      });
    }
    if (env.GRAPHQL_STATEMENT_TIMEOUT.ms < 100) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAPHQL_STATEMENT_TIMEOUT'],
        message: 'must be at least 100 milliseconds',
      });
    }
    if (env.DATABASE_LISTEN_URL !== undefined && env.DATABASE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_LISTEN_URL'],
        message: 'needs DATABASE_URL: the embedded database is always listened to directly',
      });
    }
    if (env.OPS_HOST !== undefined && env.OPS_PORT === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPS_PORT'],
        message: 'is required when OPS_HOST is set',
      });
    }
    return {
      env: env.NODE_ENV,
      production,
      databaseUrl: env.DATABASE_URL,
      /** databasePoolSize: the service pool's connections (the worker's jobs and LISTEN, startup, probes, metrics). */
      databasePoolSize: env.DATABASE_POOL_SIZE,
      /** graphqlPoolSize: the GraphQL pool's connections (requests, subscriptions' checks). */
      graphqlPoolSize: env.DATABASE_GRAPHQL_POOL_SIZE ?? env.DATABASE_POOL_SIZE,
      /** listenUrl: where subscriptions LISTEN, on a session of their own (DATABASE_LISTEN_URL, else DATABASE_URL). */
      listenUrl: env.DATABASE_LISTEN_URL ?? env.DATABASE_URL,
      /** preparedStatements: whether the pools may name (prepare) statements; off behind a transaction pooler that cannot keep them. */
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS === 'on',
      host: env.HOST,
      port: env.PORT,
      dataDir: path.resolve(env.DATA_DIR),
      embeddedPgPort: env.EMBEDDED_PG_PORT,
      logLevel: env.LOG_LEVEL,
      logFormat: env.LOG_FORMAT ?? (production ? 'json' : 'pretty'),
      workerConcurrency: env.WORKER_CONCURRENCY,
      shutdownTimeout: env.SHUTDOWN_TIMEOUT,
      jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
      tokenMaxTtl: env.TOKEN_MAX_TTL,
      webhookUrl: env.WEBHOOK_URL,
      webhookSecret: env.WEBHOOK_SECRET,
      smtpUrl: env.SMTP_URL,
      smtpFrom: env.SMTP_FROM,
      notificationMaxAttempts: env.NOTIFICATION_MAX_ATTEMPTS,
      notificationRetryDelay: env.NOTIFICATION_RETRY_DELAY,
      /** channelRates: at most so many deliveries per window, per channel (CHANNEL_RATES); shared by the replicas through Postgres. */
      channelRates: Object.freeze(env.CHANNEL_RATES.map((entry) => Object.freeze(entry))),
      sweepBatchSize: env.SWEEP_BATCH_SIZE,
      pollInterval: env.WORKER_POLL_INTERVAL,
      workerDeadAfter: env.WORKER_DEAD_AFTER,
      workerWakeup: env.WORKER_WAKEUP === 'on',
      /** workerLocalQueueSize: jobs fetched at once for all workers; 0 lets each worker fetch its own. */
      workerLocalQueueSize: localQueueSize,
      /** workerBatchDelay: how long finished jobs wait to be completed together; 'off' completes each alone. */
      workerBatchDelay: env.WORKER_BATCH_DELAY,
      /** taskTimeouts override the timeouts the tasks declare (TASK_TIMEOUTS); the worker checks the names. */
      taskTimeouts: Object.freeze(env.TASK_TIMEOUTS.map((entry) => Object.freeze(entry))),
      /** settings are the rows of app_private.settings the environment sets, as text (writeSettings). */
      settings: Object.freeze(settingRows(env)),
      /** bookingHorizon: how far ahead a session may start (BOOKING_HORIZON). */
      bookingHorizon: env.BOOKING_HORIZON,
      /** durations are every duration setting by variable name, for checks that need Postgres. */
      durations: Object.freeze(
        Object.entries(env).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value])
            .map((item) => (isTaskTimeout(item) ? item.timeout : item))
            .filter(isDuration)
            .map((duration) => Object.freeze([name, duration] as const)),
        ),
      ),
      /** graphqlLimits bound what one GraphQL operation may ask for (see src/http/limits.ts). */
      graphqlLimits: {
        maxDepth: env.GRAPHQL_MAX_DEPTH,
        maxAliases: env.GRAPHQL_MAX_ALIASES,
        maxRootFields: env.GRAPHQL_MAX_ROOT_FIELDS,
        maxCost: env.GRAPHQL_MAX_COST,
        defaultPageSize: env.GRAPHQL_DEFAULT_PAGE_SIZE,
        maxPageSize: env.GRAPHQL_MAX_PAGE_SIZE,
        maxOffset: env.GRAPHQL_MAX_OFFSET,
      },
      statementTimeout: env.GRAPHQL_STATEMENT_TIMEOUT,
      rateLimit: env.GRAPHQL_RATE_LIMIT,
      /** maxSubscriptions bounds one caller's open operations over WebSocket, per process. */
      maxSubscriptions: env.GRAPHQL_MAX_SUBSCRIPTIONS,
      /** introspection also governs "Did you mean" suggestions: both reveal the schema. */
      introspection: (env.GRAPHQL_INTROSPECTION ?? (production ? 'off' : 'on')) === 'on',
      /** ops is where health, readiness and metrics are served apart from the API, if anywhere. */
      ops:
        env.OPS_PORT === undefined
          ? undefined
          : { host: env.OPS_HOST ?? env.HOST, port: env.OPS_PORT },
      /** GraphiQL, seed data and other conveniences that production must not have. */
      devConveniences: !production,
    };
  });

function isTaskTimeout(value: unknown): value is TaskTimeout {
  return typeof value === 'object' && value !== null && 'task' in value && 'timeout' in value;
}

/** Config is the service's settings, read once from the environment and frozen. */
export type Config = Readonly<z.output<typeof schema>>;

/** ConfigError says which environment variables are wrong, one line each. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * parseConfig validates an environment (process.env by default) and returns the frozen
 * settings, or throws a ConfigError naming every bad variable.
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in a .env file with `PORT=`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      const shown = value === undefined || /SECRET|URL/.test(name) ? '' : ` (got "${value}")`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}

/**
 * loadConfig reads .env (or the file named by DOTENV_PATH) without overriding the real
 * environment, then parses it.
 */
export function loadConfig(): Config {
  dotenv.config({ path: process.env.DOTENV_PATH ?? '.env', quiet: true });
  return parseConfig(process.env);
}

/** CONFIG_VARIABLES names every environment variable the configuration reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(schema.in.shape));
