// The crontab and the tasks are edited in the repo; they must agree.
import fs from 'node:fs/promises';
import { parseCrontab } from 'graphile-worker';
import t from 'tap';
import { crontabPath } from '../src/paths.ts';
import { crontabEntries } from '../src/worker/schedule.ts';
import { loadTaskDefinitions } from '../src/worker/worker.ts';

t.test('the crontab parses and names only tasks that exist', async (t) => {
  const items = parseCrontab(await fs.readFile(crontabPath, 'utf8'));
  const tasks = await loadTaskDefinitions();
  t.ok(items.length > 0);
  for (const item of items) t.ok(tasks.has(item.task), `tasks/${item.task}.ts exists`);
});

t.test('the sweeps keep ADR-006’s schedule, with a backfill window', async (t) => {
  const items = new Map(
    parseCrontab(await fs.readFile(crontabPath, 'utf8')).map((item) => [item.task, item]),
  );
  // The minutes of an hour (any hour, any day) at which a task runs.
  const minutes = (task: string) =>
    Array.from({ length: 60 }, (_, min) => min).filter((min) =>
      items.get(task)?.match({ min, hour: 13, date: 7, month: 5, dow: 2 }),
    );
  t.same(
    minutes('expire_requests_sweep'),
    [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55],
    'expiry every 5 minutes',
  );
  for (const task of ['start_sessions_sweep', 'end_sessions_sweep'])
    t.equal(minutes(task).length, 60, `${task} every minute`);
  for (const item of items.values())
    t.ok((item.options.backfillPeriod ?? 0) >= 60_000, `${item.task} backfills missed ticks`);
});

t.test('every task parses its payload with a schema', async (t) => {
  for (const [name, task] of await loadTaskDefinitions()) {
    t.equal(typeof task.payload.safeParse, 'function', `${name} has a payload schema`);
    t.notOk(task.payload.safeParse(42).success, `${name} refuses a payload that is not an object`);
  }
});

t.test('each crontab entry knows how long it may go without running', async (t) => {
  const entries = new Map(
    crontabEntries(await fs.readFile(crontabPath, 'utf8')).map((entry) => [entry.task, entry]),
  );
  t.match(entries.get('expire_requests_sweep'), {
    schedule: '*/5 * * * *',
    periodSeconds: 300,
    jobKey: 'sweep:expire_requests_sweep',
  });
  t.equal(entries.get('start_sessions_sweep')?.periodSeconds, 60);
  t.equal(entries.get('prune_job_history')?.periodSeconds, 3600);
  // Longest gaps of schedules that are not regular.
  const period = (line: string) => crontabEntries(line)[0]?.periodSeconds;
  t.equal(period('0 9 * * 1-5 start_sessions_sweep'), 3 * 86400, 'weekdays at 9: Friday to Monday');
  t.equal(period('0 0 1 * * start_sessions_sweep'), 31 * 86400, 'monthly: the longest month');
  t.equal(period('15,45 * * * * start_sessions_sweep'), 1800);
});
