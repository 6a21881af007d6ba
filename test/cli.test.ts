import t from 'tap';
import { createTestDatabase, databaseUrl } from '../support/database.ts';
import { postGraphql } from '../support/graphql.ts';
import { finished, freePort, runCli } from '../support/processes.ts';

t.test('schoolbell start serves GraphQL and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestDatabase(t, { empty: true });
  const port = await freePort();
  const cli = runCli(t, ['start'], { DATABASE_URL: db.url, PORT: String(port) });
  await cli.waitFor(/GraphQL server listening/);
  const base = `http://127.0.0.1:${port}`;

  // A fresh database was migrated on the way up.
  t.match(cli.output(), /"file":"0001_schemas.sql".*applying migration/);

  const { status, body } = await postGraphql(base, '{ __typename }');
  t.equal(status, 200);
  t.same(body, { data: { __typename: 'Query' } });

  const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
  t.equal(page.status, 200, 'GraphiQL is served in development');
  t.match(await page.text(), /ruru|graphiql/i);

  const health = await fetch(`${base}/healthz`);
  t.same(await health.json(), { status: 'ok' });

  cli.child.kill('SIGTERM');
  t.equal(await cli.exited, 0, 'exits 0');
  t.match(cli.output(), /"reason":"SIGTERM".*shutting down/);
  t.match(cli.output(), /"msg":"stopped"/);
  await t.rejects(fetch(`${base}/healthz`), 'no longer listening');
});

t.test('production has no GraphiQL', async (t) => {
  const db = await createTestDatabase(t);
  const port = await freePort();
  const cli = runCli(t, ['server'], {
    DATABASE_URL: db.url,
    PORT: String(port),
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
  });
  await cli.waitFor(/GraphQL server listening/);
  const page = await fetch(`http://127.0.0.1:${port}/graphql`, {
    headers: { accept: 'text/html' },
  });
  t.not(page.status, 200);
  t.notMatch(await page.text(), /ruru|graphiql/i);
  cli.child.kill('SIGINT');
  t.equal(await cli.exited, 0, 'SIGINT drains like SIGTERM');
});

t.test('server and worker refuse an unmigrated database', async (t) => {
  const db = await createTestDatabase(t, { empty: true });
  for (const role of ['server', 'worker']) {
    const cli = runCli(t, [role], { DATABASE_URL: db.url, PORT: String(await freePort()) });
    t.equal(await cli.exited, 1, `${role} exits 1`);
    t.match(cli.output(), /run `schoolbell migrate` first/);
  }
});

t.test('migrate, then worker, on one database', async (t) => {
  const db = await createTestDatabase(t, { empty: true });
  const migrate = runCli(t, ['migrate'], { DATABASE_URL: db.url });
  t.equal(await migrate.exited, 0);
  t.match(migrate.output(), /migrations applied/);

  const worker = runCli(t, ['worker'], { DATABASE_URL: db.url });
  await worker.waitFor(/Worker connected and looking for jobs/);
  worker.child.kill('SIGTERM');
  t.equal(await worker.exited, 0);
});

t.test('the CLI explains itself and its mistakes', async (t) => {
  const help = runCli(t, ['--help'], {});
  t.equal(await help.exited, 0);
  for (const role of ['start', 'server', 'worker', 'migrate', 'token', 'db-url'])
    t.match(help.output(), new RegExp(`\\n  ${role} `));

  for (const role of ['start', 'server', 'worker', 'migrate', 'token', 'db-url']) {
    const roleHelp = runCli(t, [role, '--help'], {});
    t.equal(await roleHelp.exited, 0);
    t.match(roleHelp.output(), `Usage: schoolbell ${role}`);
  }

  const unknown = runCli(t, ['launch'], {});
  t.equal(await finished(unknown), 64, 'EX_USAGE');
  // With LOG_FORMAT=json even a command-line mistake is one JSON line, on stderr.
  t.match(JSON.parse(unknown.stderr()), { level: 60, msg: /unknown command "launch"/ });
  t.equal(unknown.stdout(), '');
  const unknownInTerminal = runCli(t, ['launch'], { LOG_FORMAT: 'pretty' });
  t.equal(await finished(unknownInTerminal), 64);
  t.equal(
    unknownInTerminal.stderr(),
    'schoolbell: unknown command "launch" (`schoolbell --help` lists the commands)\n',
  );
});

t.test('every mistake is one line on stderr, without a stack, and an exit status', async (t) => {
  const db = await createTestDatabase(t);
  const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
    ['an unknown command', ['launch'], {}, 64, /^schoolbell: unknown command "launch"/],
    [
      'an unknown flag',
      ['start', '--bogus'],
      {},
      64,
      /^schoolbell start: Unknown option '--bogus'/,
    ],
    ['an extra argument', ['worker', 'now'], {}, 64, /unexpected argument "now"/],
    ['a flag without its value', ['token', '--user'], {}, 64, /--user/],
    ['a token without --user', ['token'], {}, 64, /--user <id> is required/],
    [
      'a bad --ttl',
      ['token', '--user', '00000000-0000-4000-8000-000000000003', '--ttl', 'soon'],
      {},
      64,
      /--ttl cannot read "soon"/,
    ],
    [
      'several bad settings',
      ['start'],
      { PORT: '99999', DATABASE_URL: 'nope' },
      78,
      /^schoolbell: invalid configuration: DATABASE_URL: must be a postgres:\/\/ URL.*; PORT: must be between 0 \(any free port\) and 65535/,
    ],
    ['a bad duration', ['start'], { REQUEST_TTL: 'soonish' }, 78, /REQUEST_TTL: /],
    [
      'server without DATABASE_URL',
      ['server'],
      {},
      78,
      /^schoolbell: DATABASE_URL is required for the server role/,
    ],
    [
      'worker without DATABASE_URL',
      ['worker'],
      {},
      78,
      /^schoolbell: DATABASE_URL is required for the worker role/,
    ],
    [
      'server without DATABASE_URL in production',
      ['server'],
      { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars' },
      78,
      /DATABASE_URL is required for the server role/,
    ],
    [
      'subscriptions listening on another database',
      ['server'],
      { DATABASE_URL: db.url, DATABASE_LISTEN_URL: databaseUrl(db.url, 'postgres') },
      78,
      /^schoolbell: DATABASE_LISTEN_URL reaches database "postgres", DATABASE_URL "schoolbell_test_\w+": subscriptions would hear nothing/,
    ],
    [
      'a token for nobody',
      ['token', '--user', '00000000-0000-4000-8000-0000000000ff'],
      { DATABASE_URL: db.url },
      67,
      /^schoolbell token: no user with id 00000000-0000-4000-8000-0000000000ff$/,
    ],
    [
      'a database that is not there',
      ['token', '--user', '00000000-0000-4000-8000-000000000003'],
      { DATABASE_URL: `postgres://root@127.0.0.1:${await freePort()}/nothing` },
      69,
      /^schoolbell token: cannot reach the database: .*ECONNREFUSED/,
    ],
  ];
  for (const [what, args, env, status, message] of cases) {
    const cli = runCli(t, args, { LOG_FORMAT: 'pretty', ...env });
    t.equal(await finished(cli), status, `${what}: exit ${status}`);
    const lines = cli.stderr().split('\n').filter(Boolean);
    t.equal(lines.length, 1, `${what}: one line on stderr, got:\n${cli.stderr()}`);
    t.match(lines[0], message, `${what}: it says what is wrong`);
    t.notMatch(cli.output(), /^\s+at /m, `${what}: no stack`);
  }
  // In production, the same line is a JSON log line.
  const json = runCli(t, ['server'], {
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
    LOG_FORMAT: 'json',
  });
  t.equal(await finished(json), 78);
  t.match(JSON.parse(json.stderr().trim()), {
    level: 60,
    msg: /DATABASE_URL is required for the server role/,
  });
});

t.test('db-url prints the database the service uses, and nothing else on stdout', async (t) => {
  const url = 'postgres://someone@db.example.com:6543/school';
  const cli = runCli(t, ['db-url'], { DATABASE_URL: url });
  t.equal(await finished(cli), 0);
  t.equal(cli.stdout(), `${url}\n`);
});

t.test('a duration Postgres or a timer cannot take stops startup with EX_CONFIG', async (t) => {
  const db = await createTestDatabase(t);
  const cases: Array<[string, string, RegExp]> = [
    ['REQUEST_TTL', '1:99', /REQUEST_TTL: "1:99" has minutes or seconds out of range/],
    [
      'WORKER_POLL_INTERVAL',
      '30 days',
      /WORKER_POLL_INTERVAL: "30 days" is too long; at most 24 days/,
    ],
    ['WEBHOOK_URL', 'http://user:pass@127.0.0.1:9/hook', /WEBHOOK_URL: must not hold credentials/],
  ];
  for (const [name, value, message] of cases) {
    const cli = runCli(t, ['start'], {
      DATABASE_URL: db.url,
      WEBHOOK_SECRET: 'webhook-secret-0123456789',
      [name]: value,
    });
    t.equal(await cli.exited, 78, `${name}=${value}: exit 78`);
    const lines = cli.output().trim().split('\n');
    t.equal(lines.length, 1, 'one line (a JSON log line, as LOG_FORMAT=json asks)');
    t.match(
      (JSON.parse(lines[0] as string) as { msg: string }).msg,
      message,
      'it names the variable',
    );
    t.notMatch(cli.output(), /migration|listening/, 'nothing was started');
  }
});
