import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { createTestDatabase } from '../support/database.ts';
import { freePort, runCommand } from '../support/processes.ts';

// Process managers and platforms that run `npm start` signal the npm process, not ours. npm
// forwards SIGTERM and SIGINT to its child, so the script must make our process that child.

/** pidsOf returns the ids of the schoolbell processes that logged in `output`. */
function pidsOf(output: string): number[] {
  return [...new Set([...output.matchAll(/"pid":(\d+)/g)].map((match) => Number(match[1])))];
}

/** running says whether a process exists and is not a zombie waiting to be reaped. */
async function running(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}

/** gone waits until a process has ended: one that was told to stop may take a moment to exit. */
async function gone(pid: number, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await running(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

t.test(
  'SIGTERM to `npm start` drains the service and its embedded PostgreSQL, exit 0',
  async (t) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'schoolbell-signals-'));
    t.teardown(() => fs.rm(dataDir, { recursive: true, force: true }));
    const npm = runCommand(
      t,
      'npm',
      ['start'],
      {
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
      },
      { detached: true },
    );
    await npm.waitFor(/GraphQL server listening/, 90_000);
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    const postgres = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
    const service = pidsOf(npm.output());
    t.equal(service.length, 1, 'one schoolbell process logged');

    // The signal goes to npm itself, as `kill <pid of npm>` from a process manager would.
    npm.child.kill('SIGTERM');
    t.equal(await npm.exited, 0, 'npm exits 0');
    t.match(npm.output(), /"reason":"SIGTERM".*shutting down/, 'the service drained');
    t.match(npm.output(), /"msg":"stopped"/);
    t.ok(await gone(service[0] as number), 'the service process is gone, not orphaned');
    t.ok(await gone(postgres), 'the embedded PostgreSQL is stopped');
    await t.rejects(fs.access(pidFile), 'and left no postmaster.pid behind');
  },
);

t.test('SIGINT to the whole group (Ctrl-C) drains once, not twice', async (t) => {
  const db = await createTestDatabase(t);
  for (const script of ['server', 'worker']) {
    const npm = runCommand(t, 'npm', ['run', script], { DATABASE_URL: db.url }, { detached: true });
    await npm.waitFor(/listening/);
    const service = pidsOf(npm.output());
    // A terminal's Ctrl-C reaches npm and our process; npm then forwards it once more.
    process.kill(-(npm.child.pid as number), 'SIGINT');
    t.equal(await npm.exited, 0, `npm run ${script} exits 0`);
    t.match(npm.output(), /"reason":"SIGINT".*shutting down/, `${script} drained`);
    t.notMatch(npm.output(), /second signal/, 'the forwarded echo is not a second request');
    t.ok(await gone(service[0] as number), `the ${script} process is gone`);
  }
});
