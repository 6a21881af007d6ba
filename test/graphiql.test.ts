// GraphiQL (Ruru, served by a development `schoolbell server`) runs a subscription in a real
// browser: the token from its Headers tab goes in the socket's init payload, and each event
// shows in its result pane as it happens.
import t from 'tap';
import { signToken } from '../src/http/auth.ts';
import { ENDPOINTS } from '../src/http/endpoints.ts';
import { browserUnavailable, launchBrowser } from '../support/browser.ts';
import { createTestPool } from '../support/database.ts';
import { createUser, requestBooking } from '../support/factories.ts';
import { serve } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const skip = browserUnavailable();
if (skip) {
  t.test('GraphiQL runs a subscription', { skip }, () => {});
} else {
  const SECRET = 'graphiql-test-secret-that-is-long-enough';
  const { pool, ...db } = await createTestPool(t, 2);
  const server = await serve(t, 'server', { DATABASE_URL: db.url, JWT_SECRET: SECRET });
  const student = await createUser(pool, 'student');
  const tutor = await createUser(pool, 'tutor', { name: 'Tess' });

  t.test('GraphiQL runs a subscription over the WebSocket', async (t) => {
    const browser = await launchBrowser();
    t.teardown(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${server.base}${ENDPOINTS.graphiql.path}`);
    const editor = page.locator('.graphiql-query-editor');
    // Monaco shows spaces as no-break spaces.
    await waitUntil(
      'the query editor is ready',
      async () =>
        (await editor.innerText().catch(() => '')).replace(/\s+/g, ' ').includes('query Welcome'),
      60_000,
    );
    /** replace puts `text` in a Monaco editor as it is (typing would auto-close brackets). */
    const replace = async (target: typeof editor, text: string) => {
      await target.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(text);
    };
    await replace(editor, 'subscription Live { bookingEvents { toState booking { subject } } }');
    await page.getByRole('button', { name: /^Headers$/ }).click();
    await replace(
      page.locator('.graphiql-editor-tool .graphiql-editor').last(),
      JSON.stringify({ Authorization: `Bearer ${await signToken(student, SECRET, 600)}` }),
    );
    await page.getByRole('button', { name: /Execute query/ }).click();

    // Once the server listens on the student's topic, their new request shows up.
    await waitUntil('the server listens for the student', async () => {
      const { rows } = await pool.query(
        "select 1 from pg_stat_activity where query = $1 and state = 'idle'",
        [`LISTEN "schoolbell:user:${student.id}"`],
      );
      return rows.length > 0;
    });
    await requestBooking(pool, student, tutor, { subject: 'Astronomy' });
    const result = page.locator('.graphiql-response');
    await waitUntil('the event shows in the result pane', async () =>
      /REQUESTED[\s\S]*Astronomy/.test(await result.innerText()),
    );
    t.ok(
      sockets.some((url) => url === `${server.base.replace('http', 'ws')}/graphql`),
      'over a WebSocket to /graphql',
    );
  });
}
