import t from 'tap';
import { ConfigError, parseConfig } from '../src/config.ts';
import { parseDuration } from '../src/duration.ts';

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
