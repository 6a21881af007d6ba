// What a production log looks like: one JSON object per line, whatever wrote it, and an idle
// service that stays quiet at INFO.
import { spawn } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { root } from '../src/paths.ts';
import { createTestPool } from '../support/database.ts';
import { createUser } from '../support/factories.ts';
import { postGraphql } from '../support/graphql.ts';
import { runCli, serve } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'logs-test-secret-0123456789abcdef0123';
// LOG_FORMAT empty is LOG_FORMAT unset: production picks JSON by itself.
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: SECRET, LOG_FORMAT: '' };

/** parse splits output into lines, keeps the JSON objects among them, and lists the other lines. */
function parse(output: string) {
  const lines = output.split('\n').filter((line) => line !== '');
  const records: Array<Record<string, unknown>> = [];
  const notJson: string[] = [];
  for (const line of lines) {
    try {
      const record = JSON.parse(line) as unknown;
      if (record && typeof record === 'object' && !Array.isArray(record)) {
        records.push(record as Record<string, unknown>);
        continue;
      }
    } catch {}
    notJson.push(line);
  }
  return { lines, records, notJson };
}

/** matches says whether a log record has every field of `pattern` (regexps test strings). */
function matches(record: unknown, pattern: Record<string, unknown>): boolean {
  if (!record || typeof record !== 'object') return false;
  return Object.entries(pattern).every(([key, want]) => {
    const value = (record as Record<string, unknown>)[key];
    if (want instanceof RegExp) return want.test(String(value));
    if (want && typeof want === 'object') return matches(value, want as Record<string, unknown>);
    return value === want;
  });
}

t.test(
  'in production every line is JSON, and an idle service writes nothing per sweep',
  async (t) => {
    const { pool, ...db } = await createTestPool(t, 2);
    const service = await serve(t, 'start', { ...PRODUCTION, DATABASE_URL: db.url });
    const { base } = service;

    // A bad token: grafserv logs the error behind the 401 itself.
    const refused = await postGraphql(
      base,
      '{ currentUser { id } }',
      {},
      {
        authorization: 'Bearer not-a-token',
      },
    );
    t.equal(refused.status, 401);
    // An invalid query.
    const invalid = await postGraphql(base, '{ nope }');
    t.match(invalid.body.errors?.[0]?.message, /Cannot query field "nope"/);
    // An internal error: a DBA renamed a column under the running API. PostGraphile masks it
    // and logs the details.
    const admin = await createUser(pool, 'admin');
    await pool.query('alter table app_public.bookings rename column subject to subject_renamed');
    const masked = await postGraphql(
      base,
      '{ bookings { nodes { subject } } }',
      {},
      {
        authorization: `Bearer ${await signToken(admin, SECRET, 600)}`,
      },
    );
    await pool.query('alter table app_public.bookings rename column subject_renamed to subject');
    t.match(masked.body.errors?.[0]?.message, /An error occurred \(logged with hash: '[^']+'/);
    await service.waitFor(/Masked GraphQL error/);

    // Idle sweeps: each one moves nothing.
    const mark = service.output().length;
    const since = new Date();
    const sweeps = [
      'start_sessions_sweep',
      'end_sessions_sweep',
      'expire_requests_sweep',
      'requeue_notifications',
    ];
    for (let round = 0; round < 2; round++) {
      for (const task of sweeps) {
        const { rows } = await pool.query(
          `select (graphile_worker.add_job($1, '{}', job_key := 'sweep:' || $1)).id`,
          [task],
        );
        await waitUntil(`${task} ran`, async () => {
          const history = await pool.query(
            "select 1 from app_private.job_history where job_id = $1 and outcome = 'success'",
            [rows[0].id],
          );
          return history.rowCount === 1;
        });
      }
    }
    const { rows: ran } = await pool.query(
      "select count(*)::int as n from app_private.job_history where finished_at >= $1 and job_key like 'sweep:%'",
      [since],
    );
    const window = parse(service.output().slice(mark));
    t.ok(ran[0].n >= 8, `${ran[0].n} idle sweeps ran`);
    t.ok(
      window.lines.length <= ran[0].n,
      `${window.lines.length} line(s) for ${ran[0].n} idle sweeps: at most one each`,
    );
    t.notOk(
      window.records.some((record) => 'job' in record || 'payload' in record),
      'no line dumps a job',
    );
    t.notOk(
      window.records.some((record) => /^Completed task/.test(String(record.msg))),
      'no line at info says that a job completed',
    );

    // Stop it, then read everything it wrote.
    service.child.kill('SIGTERM');
    t.equal(await service.exited, 0);
    const all = parse(service.output());
    t.same(all.notJson, [], `all ${all.lines.length} lines are JSON objects`);
    const refusal = all.records.find((record) => record.status === 401);
    t.match(
      refusal,
      { level: 30, reason: /token is malformed/, msg: /request refused \(401\)/ },
      'the 401 is one line at info',
    );
    t.notOk('stack' in ((refusal?.err as object) ?? {}), 'without a stack');
    t.match(
      all.records.find((record) => /Masked GraphQL error/.test(String(record.msg))),
      { level: 50, err: { code: '42703', message: /column .*subject.* does not exist/ } },
      'the masked error is one line at error, with the database error',
    );
  },
);

t.test('console output, warnings and uncaught errors become JSON lines', async (t) => {
  // What grafast and Node write by themselves: a planning error (several lines of text), a
  // warning, console.dir of an error, and finally an unhandled rejection, which ends the process.
  const script = `
    import { createLogger, routeConsoleToLogger } from ${JSON.stringify(path.join(root, 'src', 'log.ts'))};
    routeConsoleToLogger(createLogger({ logLevel: 'info', logFormat: 'json' }));
    console.error('Error occurred during query planning: \\n' + new Error('plan exploded').stack);
    process.emitWarning('this API is old', 'DeprecationWarning');
    console.dir(new Error('dumped'));
    console.log('%s and %d', 'text', 42);
    Promise.reject(new Error('nobody caught me'));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  t.equal(code, 1, 'an unhandled rejection still ends the process with status 1');
  const { notJson, records } = parse(output);
  t.same(notJson, [], 'every line is JSON');
  const expected = [
    {
      level: 50,
      msg: 'Error occurred during query planning:',
      detail: /Error: plan exploded\n\s+at /,
    },
    { level: 40, msg: 'DeprecationWarning: this API is old' },
    { level: 50, msg: 'Error: dumped', err: { message: 'dumped' } },
    { level: 30, msg: 'text and 42' },
    { level: 60, msg: 'unhandled promise rejection: nobody caught me' },
  ];
  for (const pattern of expected) {
    t.ok(
      records.some((record) => matches(record, pattern)),
      `a line like ${pattern.msg}`,
    );
  }
  t.equal(records.length, expected.length, 'one line per call');
});

t.test('a bad configuration in production is reported as JSON', async (t) => {
  const cli = runCli(t, ['start'], { ...PRODUCTION, PORT: '99999' });
  t.equal(await cli.exited, 78);
  const { notJson, records } = parse(cli.output());
  t.same(notJson, []);
  // One line, as every misconfiguration is (test/cli.test.ts).
  t.match(records, [{ level: 60, msg: /invalid configuration: PORT: must be between 0/ }]);
});
