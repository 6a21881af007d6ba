import t from 'tap';
import { ConfigError, parseConfig } from '../src/config.ts';
import { intervalMs } from '../src/db/queries.ts';
import { parseDuration } from '../src/duration.ts';
import { checkDurations } from '../src/service.ts';
import { createTestPool } from '../support/database.ts';

t.test('defaults give a working development setup', async (t) => {
  const config = parseConfig({});
  t.equal(config.port, 5678);
  t.equal(config.databaseUrl, undefined, 'no DATABASE_URL means the embedded database');
  t.not(config.embeddedPgPort, 5432, 'the embedded server never takes the system port');
  t.equal(config.logFormat, 'pretty');
  t.ok(config.devConveniences);
  t.equal(config.shutdownTimeout.ms, 30_000);
  t.ok(Object.isFrozen(config));
});

t.test('production logs JSON, turns conveniences off and demands a secret', async (t) => {
  t.throws(() => parseConfig({ NODE_ENV: 'production' }), {
    name: 'ConfigError',
    message: /JWT_SECRET: is required when NODE_ENV=production/,
  });
  const config = parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
  t.equal(config.logFormat, 'json');
  t.notOk(config.devConveniences);
});

t.test('every bad variable is named, with what is wrong', async (t) => {
  const error = t.throws(() =>
    parseConfig({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://nope',
      SHUTDOWN_TIMEOUT: '3 fortnights',
      EMBEDDED_PG_PORT: '5432',
      LOG_LEVEL: 'loud',
    }),
  ) as ConfigError;
  t.type(error, ConfigError);
  t.match(error.message, /PORT: must be a port number \(got "eighty"\)/);
  t.match(error.message, /DATABASE_URL: must be a postgres:\/\/ URL/);
  t.notMatch(error.message, /mysql:\/\/nope/, 'URLs may hold passwords and are not echoed');
  t.match(error.message, /SHUTDOWN_TIMEOUT: "fortnights" in "3 fortnights" is not a unit of time/);
  t.match(error.message, /EMBEDDED_PG_PORT: must not be 5432/);
  t.match(error.message, /LOG_LEVEL: /);
});

t.test('an empty variable counts as unset, as in a .env file', async (t) => {
  t.equal(parseConfig({ PORT: '' }).port, 5678);
});

t.test('durations are read the way Postgres reads intervals', async (t) => {
  t.equal(parseDuration('24 hours').ms, 86_400_000);
  t.equal(parseDuration('15 minutes').ms, 900_000);
  t.equal(parseDuration('1 day 2 hours').ms, 93_600_000);
  t.equal(parseDuration('1 week').ms, 604_800_000);
  t.equal(parseDuration('00:15:00').ms, 900_000);
  t.equal(parseDuration('90s').ms, 90_000);
  t.equal(parseDuration(' 10 mins ').text, '10 mins');
  t.throws(() => parseDuration('1 month'), /no fixed length/);
  t.throws(() => parseDuration('15'), /has no unit/);
  t.throws(() => parseDuration(''), /is empty/);
  t.throws(() => parseDuration('soon'), /cannot read "soon"/);
});

t.test('durations are refused where Postgres would refuse them', async (t) => {
  t.throws(() => parseDuration('1:99'), /minutes or seconds out of range/);
  t.throws(() => parseDuration('1:30:61'), /out of range/);
  t.throws(() => parseDuration('1 day 1 day'), /same field twice/);
  t.throws(() => parseDuration('1 hour 1:00'), /same field twice/);
  t.throws(() => parseDuration('4000 days'), /too long; at most 3650 days/);
  t.throws(() => parseDuration(`${'9'.repeat(400)} hours`), /too long/);
  t.equal(parseDuration('1 week 1 day').ms, 691_200_000, 'weeks and days are two fields');
});

t.test('each duration setting has a maximum, named with its variable', async (t) => {
  const error = t.throws(() =>
    parseConfig({
      REQUEST_TTL: '1:99',
      WORKER_POLL_INTERVAL: '30 days',
      SHUTDOWN_TIMEOUT: '25 days',
      WORKER_DEAD_AFTER: '4 weeks',
      END_GRACE: '366 days',
      REMINDER_LEADS: '15 minutes, 400 days',
      NOTIFICATION_RETRY_DELAY: '2 hours',
      TOKEN_MAX_TTL: '1000 days',
    }),
  ) as ConfigError;
  t.match(error.message, /REQUEST_TTL: "1:99" has minutes or seconds out of range/);
  t.match(error.message, /WORKER_POLL_INTERVAL: "30 days" is too long; at most 24 days/);
  t.match(error.message, /SHUTDOWN_TIMEOUT: "25 days" is too long; at most 24 days/);
  t.match(error.message, /WORKER_DEAD_AFTER: "4 weeks" is too long; at most 24 days/);
  t.match(error.message, /END_GRACE: "366 days" is too long; at most 365 days/);
  t.match(error.message, /REMINDER_LEADS: "400 days" is too long; at most 365 days/);
  t.match(error.message, /NOTIFICATION_RETRY_DELAY: "2 hours" is too long; at most 1 hour/);
  t.match(error.message, /TOKEN_MAX_TTL: "1000 days" is too long; at most 365 days/);
  t.ok(
    parseConfig({ WORKER_POLL_INTERVAL: '24 days', REQUEST_TTL: '365 days' }),
    'the maxima pass',
  );
});

t.test('config.durations lists every duration by its variable', async (t) => {
  const config = parseConfig({ REMINDER_LEADS: '1 hour, 5 minutes' });
  const names = config.durations.map(([name]) => name);
  for (const name of [
    'SHUTDOWN_TIMEOUT',
    'TOKEN_MAX_TTL',
    'REQUEST_TTL',
    'END_GRACE',
    'NOTIFICATION_RETRY_DELAY',
    'WORKER_POLL_INTERVAL',
    'WORKER_DEAD_AFTER',
    'JOB_HISTORY_RETENTION',
  ]) {
    t.ok(names.includes(name), name);
  }
  t.same(
    config.durations.filter(([name]) => name === 'REMINDER_LEADS').map(([, d]) => d.text),
    ['1 hour', '5 minutes'],
  );
  t.equal(config.tokenMaxTtl.ms, 86_400_000, 'tokens live at most a day by default');
});

t.test('a WEBHOOK_URL with credentials is refused, and not echoed', async (t) => {
  const error = t.throws(() =>
    parseConfig({
      WEBHOOK_URL: 'https://bot:hunter2@gateway.example.com/hook',
      WEBHOOK_SECRET: 'x'.repeat(16),
    }),
  ) as ConfigError;
  t.match(error.message, /WEBHOOK_URL: must not hold credentials \(user:password@\)/);
  t.notMatch(error.message, /hunter2/);
  t.ok(
    parseConfig({
      WEBHOOK_URL: 'https://gateway.example.com/hook?token=abc',
      WEBHOOK_SECRET: 'x'.repeat(16),
    }),
    'a token in the query is the operator’s choice',
  );
});

t.test('parseDuration reads each duration as Postgres does, or refuses it', async (t) => {
  const { pool } = await createTestPool(t, 2);
  const units = ['us', 'ms', 'msec', 's', 'sec', 'secs', 'm', 'min', 'mins', 'h', 'hr', 'hrs']
    .concat(['d', 'day', 'days', 'w', 'week', 'weeks', 'second', 'minutes', 'hours'])
    .flatMap((unit) => [`2 ${unit}`, `1.5${unit}`]);
  const samples = units.concat([
    '1:99',
    '1:59:60',
    '00:15:00',
    '1:5',
    '1 day 2 hours',
    '1.5 weeks',
    '0.3333333 days',
    '1 day 1:00',
    '1 hour 1:00',
    '2 days 1 week',
    '1 day 1 day',
    '1 HOUR 30 Minutes',
  ]);
  for (const sample of samples) {
    let ours: number | undefined;
    try {
      ours = parseDuration(sample).ms;
    } catch {}
    if (ours === undefined) {
      t.pass(`"${sample}" refused`);
      continue;
    }
    const theirs = await intervalMs(pool, sample);
    t.ok(Math.abs(theirs - ours) < 0.001, `"${sample}": ${ours} ms, Postgres ${theirs} ms`);
  }
});

t.test('at startup, a duration Postgres reads otherwise is a configuration error', async (t) => {
  const { pool } = await createTestPool(t, 2);
  // What parseDuration once let through: Postgres refuses "1:99", and reads no "99 minutes".
  const durations = [
    ['REQUEST_TTL', { text: '1:99', ms: 9_540_000 }],
    ['END_GRACE', { text: '10 minutes', ms: 60_000 }],
    ['WORKER_DEAD_AFTER', { text: '1 minute', ms: 60_000 }],
  ] as const;
  const error = (await checkDurations(pool, { durations }).catch((e) => e)) as Error;
  t.type(error, ConfigError);
  t.match(
    error.message,
    /REQUEST_TTL: Postgres cannot read "1:99": interval field value out of range/,
  );
  t.match(error.message, /END_GRACE: Postgres reads "10 minutes" as 600000 ms, not 60000/);
  t.notMatch(error.message, /WORKER_DEAD_AFTER/);
});

t.test('the GraphQL limits, rate limit and ops address are read and checked', async (t) => {
  const defaults = parseConfig({});
  t.same(defaults.graphqlLimits, {
    maxDepth: 10,
    maxAliases: 15,
    maxRootFields: 10,
    maxCost: 50_000,
    defaultPageSize: 100,
    maxPageSize: 1000,
    maxOffset: 10_000,
  });
  t.equal(defaults.statementTimeout.ms, 5_000);
  t.match(defaults.rateLimit, { requests: 300, seconds: 60 });
  t.equal(defaults.introspection, true, 'introspection is on outside production');
  t.equal(defaults.ops, undefined, 'no OPS_PORT: everything on PORT');
  const production = parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
  t.equal(production.introspection, false, 'and off in production');
  const set = parseConfig({
    GRAPHQL_RATE_LIMIT: '10/second',
    GRAPHQL_INTROSPECTION: 'off',
    OPS_PORT: '9090',
    HOST: '0.0.0.0',
  });
  t.match(set.rateLimit, { requests: 10, seconds: 1, text: '10/second' });
  t.equal(set.introspection, false);
  t.same(set.ops, { host: '0.0.0.0', port: 9090 }, 'OPS_HOST defaults to HOST');
  t.equal(parseConfig({ GRAPHQL_RATE_LIMIT: 'off' }).rateLimit, null);

  const error = t.throws(() =>
    parseConfig({
      GRAPHQL_RATE_LIMIT: 'lots',
      GRAPHQL_MAX_DEPTH: '1',
      GRAPHQL_INTROSPECTION: 'maybe',
    }),
  ) as ConfigError;
  t.match(error.message, /GRAPHQL_RATE_LIMIT: must be "<requests>\/<second\|minute\|hour>"/);
  t.match(error.message, /GRAPHQL_MAX_DEPTH: must be between 2 and 100/);
  t.match(error.message, /GRAPHQL_INTROSPECTION: must be on or off/);
  // Settings that depend on each other are checked once each one is readable.
  const together = t.throws(() =>
    parseConfig({
      GRAPHQL_DEFAULT_PAGE_SIZE: '500',
      GRAPHQL_MAX_PAGE_SIZE: '100',
      GRAPHQL_STATEMENT_TIMEOUT: '10 ms',
      OPS_HOST: '127.0.0.1',
    }),
  ) as ConfigError;
  t.match(
    together.message,
    /GRAPHQL_DEFAULT_PAGE_SIZE: must not be more than GRAPHQL_MAX_PAGE_SIZE \(100\)/,
  );
  t.match(together.message, /GRAPHQL_STATEMENT_TIMEOUT: must be at least 100 milliseconds/);
  t.match(together.message, /OPS_PORT: is required when OPS_HOST is set/);
});

t.test('the worker batches by default; its local queue must feed every worker', async (t) => {
  const config = parseConfig({ WORKER_CONCURRENCY: '8' });
  t.equal(config.workerLocalQueueSize, 16, 'twice WORKER_CONCURRENCY unless set');
  t.same(config.workerBatchDelay, parseDuration('0 seconds'), 'completions batched per tick');
  t.equal(parseConfig({ WORKER_LOCAL_QUEUE_SIZE: '0' }).workerLocalQueueSize, 0, '0 is off');
  t.equal(parseConfig({ WORKER_BATCH_DELAY: 'off' }).workerBatchDelay, 'off');
  t.same(parseConfig({ WORKER_BATCH_DELAY: '50 ms' }).workerBatchDelay, parseDuration('50 ms'));
  t.throws(() => parseConfig({ WORKER_CONCURRENCY: '8', WORKER_LOCAL_QUEUE_SIZE: '4' }), {
    message: /WORKER_LOCAL_QUEUE_SIZE: must be 0 \(off\) or at least WORKER_CONCURRENCY \(8\)/,
  });
  t.throws(() => parseConfig({ WORKER_BATCH_DELAY: 'a while' }), {
    message: /WORKER_BATCH_DELAY: cannot read "a" in "a while".*, or off/,
  });
  t.throws(() => parseConfig({ WORKER_BATCH_DELAY: '1 minute' }), {
    message: /WORKER_BATCH_DELAY: must be at most 5 seconds/,
  });
});

t.test('TASK_TIMEOUTS sets timeouts per task, and refuses hostile values', async (t) => {
  t.same(parseConfig({}).taskTimeouts, [], 'unset: every task keeps its own');
  t.same(
    parseConfig({
      TASK_TIMEOUTS: 'send_notification=30s, run_schedule = 1 minute,end_sessions_timer=off',
    }).taskTimeouts,
    [
      { task: 'send_notification', timeout: parseDuration('30s') },
      { task: 'run_schedule', timeout: parseDuration('1 minute') },
      { task: 'end_sessions_timer', timeout: null },
    ],
  );
  const refused: Array<[string, RegExp]> = [
    ['send_notification=0 seconds', /between 100 milliseconds and 24 days, or off/],
    ['send_notification=50 ms', /between 100 milliseconds and 24 days, or off/],
    ['send_notification=-5 seconds', /send_notification: cannot read "-5"/],
    ['send_notification=25 days', /between 100 milliseconds and 24 days, or off/],
    ['send_notification=1e400 days', /send_notification: cannot read/],
    ['send_notification=2 months', /has no fixed length/],
    ['send_notification', /is not <task>=<duration> or <task>=off/],
    ['Send-Notification=1s', /is not <task>=<duration> or <task>=off/],
    ['send_notification=1s,send_notification=2s', /gives send_notification twice/],
  ];
  for (const [value, message] of refused) {
    t.throws(
      () => parseConfig({ TASK_TIMEOUTS: value }),
      { name: 'ConfigError', message: new RegExp(`TASK_TIMEOUTS: .*${message.source}`) },
      value,
    );
  }
  t.ok(
    parseConfig({ TASK_TIMEOUTS: 'send_notification=30s' }).durations.some(
      ([name, duration]) => name === 'TASK_TIMEOUTS' && duration.ms === 30_000,
    ),
    'checked against Postgres with the other durations',
  );
});

t.test(
  'CHANNEL_RATES limits channels, and refuses hostile values naming the variable',
  async (t) => {
    t.same(parseConfig({}).channelRates, [], 'unset: no channel is limited');
    t.same(
      parseConfig({ CHANNEL_RATES: 'webhook=50/second, email = 600 / minute,' }).channelRates,
      [
        { channel: 'webhook', requests: 50, seconds: 1, text: '50/second' },
        { channel: 'email', requests: 600, seconds: 60, text: '600/minute' },
      ],
    );
    const refused: Array<[string, RegExp]> = [
      ['webhook', /"webhook" is not <channel>=<n>\/<second\|minute\|hour>/],
      ['sms=5/second', /"sms=5\/second" is not <channel>=/],
      ['webhook=0/second', /webhook: must be <n>\/<second\|minute\|hour>, n from 1 to 1000000/],
      ['webhook=-5/second', /webhook: must be/],
      ['webhook=1.5/second', /webhook: must be/],
      ['webhook=5/day', /webhook: must be/],
      ['webhook=99999999999999999999/second', /webhook: must be/],
      ['webhook=off', /webhook: must be/],
      ['webhook=5/second,webhook=6/second', /gives webhook twice/],
      [`${'x'.repeat(5000)}=1/second`, /"x{40}…" is not/],
    ];
    for (const [value, message] of refused) {
      t.throws(
        () => parseConfig({ CHANNEL_RATES: value }),
        { name: 'ConfigError', message: new RegExp(`CHANNEL_RATES: .*${message.source}`) },
        value.slice(0, 60),
      );
    }
  },
);

t.test('the pools: sizes each, a listen URL, prepared statements on or off', async (t) => {
  const defaults = parseConfig({ DATABASE_URL: 'postgres://root@db:5432/app' });
  t.equal(defaults.databasePoolSize, 10);
  t.equal(defaults.graphqlPoolSize, 10, 'the GraphQL pool is as large as the service pool');
  t.equal(
    defaults.listenUrl,
    'postgres://root@db:5432/app',
    'subscriptions listen on DATABASE_URL',
  );
  t.equal(defaults.preparedStatements, true);
  const pooled = parseConfig({
    DATABASE_URL: 'postgres://root@pgbouncer:6432/app',
    DATABASE_LISTEN_URL: 'postgres://root@db:5432/app',
    DATABASE_POOL_SIZE: '3',
    DATABASE_GRAPHQL_POOL_SIZE: '20',
    DATABASE_PREPARED_STATEMENTS: 'off',
  });
  t.equal(pooled.databasePoolSize, 3);
  t.equal(pooled.graphqlPoolSize, 20);
  t.equal(pooled.listenUrl, 'postgres://root@db:5432/app');
  t.equal(pooled.preparedStatements, false);
  t.equal(parseConfig({}).listenUrl, undefined, 'embedded: the embedded server, found at startup');

  const error = t.throws(() =>
    parseConfig({
      DATABASE_LISTEN_URL: 'redis://secret@cache',
      DATABASE_GRAPHQL_POOL_SIZE: '0',
      DATABASE_PREPARED_STATEMENTS: 'maybe',
    }),
  ) as ConfigError;
  t.match(error.message, /DATABASE_LISTEN_URL: must be a postgres:\/\/ URL/);
  t.notMatch(error.message, /secret/, 'URLs may hold passwords and are not echoed');
  t.match(error.message, /DATABASE_GRAPHQL_POOL_SIZE: must be between 1 and 200 \(got "0"\)/);
  t.match(error.message, /DATABASE_PREPARED_STATEMENTS: must be on or off \(got "maybe"\)/);
  t.throws(() => parseConfig({ DATABASE_LISTEN_URL: 'postgres://root@db:5432/app' }), {
    message: /DATABASE_LISTEN_URL: needs DATABASE_URL/,
  });
});
