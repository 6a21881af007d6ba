import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { postGraphql } from '../support/graphql.ts';
import { finished, freePort, runCli, runCommand, terminate } from '../support/processes.ts';

// The default with no DATABASE_URL: a real PostgreSQL from npm, under DATA_DIR.
t.test(
  'without DATABASE_URL, start runs on an embedded PostgreSQL that survives kill -9',
  async (t) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'schoolbell-embedded-'));
    t.teardown(() => fs.rm(dataDir, { recursive: true, force: true }));
    const pgPort = await freePort();
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');

    const startOnce = async () => {
      const port = await freePort();
      const cli = runCli(t, ['start'], { ...env, PORT: String(port) });
      await cli.waitFor(/GraphQL server listening/, 90_000);
      const { body } = await postGraphql(`http://127.0.0.1:${port}`, '{ __typename }');
      t.same(body, { data: { __typename: 'Query' } }, 'GraphQL answers');
      return cli;
    };

    // First start: the cluster is created and migrated.
    const first = await startOnce();
    t.match(first.output(), /creating embedded PostgreSQL cluster/);
    t.match(first.output(), new RegExp(`"port":${pgPort}`));

    // kill -9 leaves an orphaned postgres holding the port and the data directory.
    first.child.kill('SIGKILL');
    await first.exited;
    const orphan = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
    t.doesNotThrow(() => process.kill(orphan, 0), 'the orphaned postgres is still running');

    const second = await startOnce();
    t.match(second.output(), /still running from an earlier process; restarting it/);
    t.notMatch(second.output(), /creating embedded PostgreSQL cluster/, 'the data is kept');

    // A clean stop shuts postgres down too.
    second.child.kill('SIGTERM');
    t.equal(await second.exited, 0);
    await t.rejects(fs.access(pidFile), 'postgres stopped with the service');

    // A postmaster.pid naming a process that is gone (or reused) does not block the next start.
    await fs.writeFile(pidFile, `${2 ** 22 - 7}\n${dataDir}\n`);
    const third = await startOnce();
    t.match(third.output(), /removing stale postmaster.pid/);
    third.child.kill('SIGTERM');
    t.equal(await third.exited, 0);
  },
);

t.test('token and db-url find the running embedded PostgreSQL wherever it listens', async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'schoolbell-embedded-'));
  t.teardown(() => fs.rm(dataDir, { recursive: true, force: true }));
  // The service runs on one port; the shell asking for a token has another (or the default).
  const pgPort = await freePort();
  const service = runCli(t, ['start'], { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) });
  await service.waitFor(/GraphQL server listening/, 90_000);
  t.teardown(() => terminate(service));
  const elsewhere = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
  const sam = '00000000-0000-4000-8000-000000000003';

  const token = runCli(t, ['token', '--user', sam], elsewhere);
  t.equal(await finished(token), 0, token.stderr());
  t.match(token.stdout(), /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'stdout is the token and nothing else');

  // As the README has it: a shell captures only the token.
  const npm = runCommand(t, 'npm', ['run', '-s', 'token', '--', '--user', sam], elsewhere);
  t.equal(await finished(npm), 0, npm.stderr());
  t.match(npm.stdout(), /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'npm run -s adds no banner');

  const dbUrl = runCli(t, ['db-url'], elsewhere);
  t.equal(await finished(dbUrl), 0);
  t.equal(dbUrl.stdout(), `postgres://postgres@127.0.0.1:${pgPort}/schoolbell\n`);

  // The token works against the running service.
  const base = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(service.output())?.[1] ?? '';
  const { body } = await postGraphql(
    base,
    '{ currentUser { name } }',
    {},
    { authorization: `Bearer ${token.stdout().trim()}` },
  );
  t.same(body, { data: { currentUser: { name: 'Sam Student' } } });
});
