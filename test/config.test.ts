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
