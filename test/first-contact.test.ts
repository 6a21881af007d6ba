// First contact, as a new user meets a development `schoolbell server`: the startup log names
// every URL, `GET /` leads to them, and GraphiQL opens with an operation that works and says
// where the token goes.
import t from 'tap';
import { ENDPOINTS } from '../src/http/endpoints.ts';
import { WELCOME_OPERATION } from '../src/http/graphql.ts';
import { browserUnavailable, launchBrowser } from '../support/browser.ts';
import { createTestDatabase } from '../support/database.ts';
import { serve } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const SECRET = 'first-contact-test-secret-that-is-long-enough';
const db = await createTestDatabase(t);
const server = await serve(t, 'server', { DATABASE_URL: db.url, JWT_SECRET: SECRET });

const API = ['graphql', 'graphiql', 'admin', 'healthz', 'readyz', 'metrics'] as const;

t.test('the startup log lists every URL served, in one line', async (t) => {
  const lines = server
    .output()
    .split('\n')
    .filter((line) => line.includes('"urls"'));
  t.equal(lines.length, 1, 'one line');
  const { urls } = JSON.parse(lines[0] ?? '{}') as { urls: Record<string, string> };
  for (const name of API) t.equal(urls[name], `${server.base}${ENDPOINTS[name].path}`, name);
  t.equal(urls.index, `${server.base}/`);
});

t.test('with OPS_PORT, the one line names the ops URLs on their own port', async (t) => {
  const split = await serve(t, 'server', {
    DATABASE_URL: db.url,
    JWT_SECRET: SECRET,
    OPS_PORT: '0',
  });
  const lines = split
    .output()
    .split('\n')
    .filter((line) => line.includes('"urls"'));
  t.equal(lines.length, 1, 'one line');
  const { urls } = JSON.parse(lines[0] ?? '{}') as { urls: Record<string, string> };
  t.equal(urls.graphql, `${split.base}/graphql`);
  t.not(new URL(urls.metrics ?? '').port, new URL(split.base).port, 'metrics on the ops port');
  const metrics = await fetch(urls.metrics ?? '');
  t.equal(metrics.status, 200, 'and served there');
  await metrics.arrayBuffer();
});

t.test('GET / answers JSON to a program and HTML to a browser', async (t) => {
  const json = await fetch(`${server.base}/`, { headers: { accept: 'application/json' } });
  t.equal(json.status, 200);
  const index = (await json.json()) as { endpoints: Array<{ name: string; url: string }> };
  t.same(
    index.endpoints.map((endpoint) => endpoint.name).sort(),
    [...API].sort(),
    'every endpoint is listed',
  );
  for (const { name, url } of index.endpoints) {
    // As a browser following the link asks.
    const response = await fetch(url, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    t.equal(response.status, 200, `${name}: its URL answers`);
    await response.arrayBuffer();
  }

  const plain = await fetch(`${server.base}/`);
  t.match(plain.headers.get('content-type'), /application\/json/, 'curl gets JSON');
  await plain.arrayBuffer();

  const html = await fetch(`${server.base}/`, {
    headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  });
  t.match(html.headers.get('content-type'), /text\/html/);
  const page = await html.text();
  for (const name of API) t.match(page, `href="${server.base}${ENDPOINTS[name].path}"`, name);
});

t.test('the Welcome operation GraphiQL opens with works as it stands', async (t) => {
  const response = await fetch(
    `${server.base}/graphql?${new URLSearchParams({ query: WELCOME_OPERATION })}`,
    { headers: { accept: 'application/json' } },
  );
  t.same(await response.json(), { data: { currentUser: null } }, 'anonymous: no current user');
  t.match(WELCOME_OPERATION, /"Authorization": "Bearer <token>"/, 'it says where the token goes');
  t.match(WELCOME_OPERATION, /npm run -s token -- --user [0-9a-f-]{36}/, 'and how to get one');
});

const skip = browserUnavailable();
t.test('GraphiQL in a browser opens with the Welcome operation', { skip }, async (t) => {
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${server.base}${ENDPOINTS.graphiql.path}`);
  // Monaco shows spaces as no-break spaces.
  const editorText = async () =>
    (await page.locator('.graphiql-query-editor').innerText()).replace(/\s+/g, ' ');
  await waitUntil(
    'the query editor shows query Welcome',
    async () => (await editorText().catch(() => '')).includes('query Welcome'),
    60_000,
  );
  t.match(
    await editorText(),
    /"Authorization": "Bearer <token>"/,
    'with the hint about the Authorization header',
  );
});
