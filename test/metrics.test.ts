// /metrics as Prometheus reads it: promtool accepts a live scrape, and GraphQL requests are
// counted by how they ended (ok, a GraphQL error, an HTTP error), GET and POST alike.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { createTestPool } from '../support/database.ts';
import { debianToolMissing } from '../support/debian.ts';
import { createUser } from '../support/factories.ts';
import { postGraphql } from '../support/graphql.ts';
import { serve } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const SECRET = 'metrics-test-secret-0123456789abcdef';

/** promtoolMissing says why promtool cannot run here; in CI (.ci/run installs it) that is an error. */
const promtoolMissing = () => debianToolMissing(PROMTOOL, 'prometheus', 'promtool');

const { pool, ...db } = await createTestPool(t, 2);
const { base } = await serve(t, 'start', { DATABASE_URL: db.url, JWT_SECRET: SECRET });
const user = await createUser(pool, 'student');
const authorization = `Bearer ${await signToken(user, SECRET, 600)}`;

async function scrape(): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/** requests reads schoolbell_graphql_requests_total for one outcome and status (0 when absent). */
function requests(text: string, outcome: string, status: string): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith('schoolbell_graphql_requests_total{')) continue;
    if (line.includes(`outcome="${outcome}"`) && line.includes(`status="${status}"`))
      return Number(line.split(' ').at(-1));
  }
  return 0;
}

t.test('promtool check metrics accepts a live /metrics', { skip: promtoolMissing() }, async (t) => {
  // Something in every family first: a GraphQL request, so its counter and histogram have samples.
  await postGraphql(base, '{ currentUser { id } }', {}, { authorization });
  const text = await scrape();
  // promtool reads the scrape on stdin; a lint problem makes it exit non-zero, naming the metric.
  const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.equal(checked.status, 0, `promtool check metrics: ${checked.stdout}${checked.stderr}`);
  t.notMatch(text, /^# TYPE \S+_total gauge$/m, 'no gauge is named like a counter');
});

t.test('GraphQL requests are counted by outcome, GET and POST alike', async (t) => {
  const before = await scrape();
  // ok over POST and over GET
  const ok = await postGraphql(base, '{ currentUser { id } }', {}, { authorization });
  t.equal(ok.status, 200);
  t.notOk(ok.body.errors);
  const get = await fetch(`${base}/graphql?query=${encodeURIComponent('{ currentUser { id } }')}`, {
    headers: { accept: 'application/json', authorization },
  });
  // A GET is counted whatever the server makes of it (405 before GraphQL over GET exists).
  const getOutcome = get.status === 200 ? 'ok' : 'http_error';
  // a GraphQL error: a field that does not exist, answered with status 200
  const bad = await postGraphql(base, '{ noSuchField }', {}, { authorization });
  t.equal(bad.status, 200);
  t.ok(bad.body.errors?.length, 'the response carries errors');
  // an HTTP error: a forged token
  const forged = await postGraphql(
    base,
    '{ currentUser { id } }',
    {},
    {
      authorization: 'Bearer not-a-token',
    },
  );
  t.equal(forged.status, 401);

  const expected = new Map<string, number>();
  const add = (outcome: string, status: string) => {
    const key = `${outcome} ${status}`;
    expected.set(key, (expected.get(key) ?? requests(before, outcome, status)) + 1);
  };
  add('ok', '200');
  add(getOutcome, String(get.status));
  add('graphql_error', '200');
  add('http_error', '401');
  // The counter moves once the response is finished: wait for it rather than assume.
  let after = '';
  await waitUntil('the counters move', async () => {
    after = await scrape();
    return [...expected].every(([key, count]) => {
      const [outcome, status] = key.split(' ') as [string, string];
      return requests(after, outcome, status) >= count;
    });
  });
  for (const [key, count] of expected) {
    const [outcome, status] = key.split(' ') as [string, string];
    t.equal(requests(after, outcome, status), count, `outcome="${outcome}",status="${status}"`);
  }
  t.match(after, /# TYPE schoolbell_graphql_requests_total counter/);
  // The metrics page itself is not a GraphQL request.
  t.equal(requests(after, 'ok', '404'), 0);
});
