import t from 'tap';
import { createTestDatabase } from './helpers/database.ts';
import { freePort, postGraphql, runCli } from './helpers/process.ts';

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
  for (const role of ['start', 'server', 'worker', 'migrate'])
    t.match(help.output(), new RegExp(`\\n  ${role} `));

  for (const role of ['start', 'server', 'worker', 'migrate']) {
    const roleHelp = runCli(t, [role, '--help'], {});
    t.equal(await roleHelp.exited, 0);
    t.match(roleHelp.output(), `Usage: schoolbell ${role}`);
  }

  const unknown = runCli(t, ['launch'], {});
  t.equal(await unknown.exited, 2);
  // With LOG_FORMAT=json even a command-line mistake is one JSON line.
  t.match(JSON.parse(unknown.output()), { level: 60, msg: /unknown command "launch"/ });
  const unknownInTerminal = runCli(t, ['launch'], { LOG_FORMAT: 'pretty' });
  t.equal(await unknownInTerminal.exited, 2);
  t.match(unknownInTerminal.output(), /^schoolbell: unknown command "launch"\n/);

  const badConfig = runCli(t, ['start'], { PORT: '99999', DATABASE_URL: 'nope' });
  t.equal(await badConfig.exited, 78, 'a bad config exits with EX_CONFIG before touching anything');
  t.match(badConfig.output(), /PORT: must be between 0 \(any free port\) and 65535/);
  t.match(badConfig.output(), /DATABASE_URL: must be a postgres:\/\/ URL/);

  const noDatabase = runCli(t, ['server'], {});
  t.equal(await noDatabase.exited, 1);
  t.match(noDatabase.output(), /DATABASE_URL is required for the server role/);
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
