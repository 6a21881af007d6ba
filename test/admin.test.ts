// The admin page in a real browser (Debian's chromium, driven by playwright-core): sign in,
// find a failed job, retry it, watch it succeed; a non-admin token is refused.
import os from 'node:os';
import path from 'node:path';
import type { WebSocket } from 'playwright-core';
import t, { type Test } from 'tap';
import { signToken } from '../src/http/auth.ts';
import { root } from '../src/paths.ts';
import { browserUnavailable, launchBrowser } from '../support/browser.ts';
import { acceptBooking, createUser, requestBooking } from '../support/factories.ts';
import { dataOf, graphqlClient } from '../support/graphql.ts';
import { serveOperated } from '../support/operated.ts';
import { waitUntil } from '../support/waiting.ts';

const skip = browserUnavailable();
if (skip) {
  t.test('the admin page in a browser', { skip }, () => {});
} else {
  const SECRET = 'admin-page-test-secret-0123456789abcdef';
  // The webhook gateway is down until the test brings it back.
  const service = await serveOperated(t, SECRET);
  const { pool, base } = service;

  const admin = await createUser(pool, 'admin', { name: 'Ada' });
  const student = await createUser(pool, 'student', { name: 'Sam' });
  const tutor = await createUser(pool, 'tutor', { name: 'Tomás' });
  const booking = await requestBooking(pool, student, tutor, {
    startsIn: 120,
    subject: 'Chemistry',
  });
  await acceptBooking(pool, tutor, booking.id);
  // A message the gateway refuses: its only attempt fails.
  const { rows } = await pool.query(
    `with n as (insert into app_public.notifications (recipient_id, channel, message, run_at)
                values ($1, 'webhook', 'Your room changed', now()) returning *)
     select n.id, app_private.schedule_notification_job(n) from n`,
    [student.id],
  );
  const notificationId = rows[0].id as string;
  const jobId = await waitUntil('the notification job fails', async () => {
    const { rows } = await pool.query(
      "select id from app_private.job_states where task = 'send_notification' and state = 'failed' and payload->>'notificationId' = $1",
      [notificationId],
    );
    return rows[0]?.id as string | undefined;
  });

  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const signIn = async (user: { id: string; role: 'admin' | 'student' | 'tutor' }) => {
    await page.goto(`${base}/admin`);
    await page.getByLabel('Admin token').fill(await signToken(user, SECRET, 600));
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  t.test('a non-admin token is refused and sees nothing', async (t) => {
    await signIn(student);
    await page.getByText(/the admin page is for admins only/).waitFor();
    t.ok(await page.locator('#nav').isHidden(), 'no navigation');
    t.equal(await page.locator('[data-testid=state-counts]').count(), 0, 'no data');
    t.ok(await page.getByLabel('Admin token').isVisible(), 'still at the sign-in form');
  });

  t.test('an admin finds the failed job, retries it and watches it succeed', async (t) => {
    await signIn(admin);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const failedCard = page.locator('[data-state=failed] .value');
    t.equal(await failedCard.textContent(), '1', 'the overview counts the failed job');
    t.ok(
      await page.getByRole('img', { name: /Jobs over the last hour/ }).isVisible(),
      'with the throughput chart',
    );
    const shot = process.env.UPDATE_SCREENSHOTS
      ? path.join(root, 'docs', 'admin-overview.png')
      : path.join(os.tmpdir(), 'admin-overview.png');
    await page.screenshot({ path: shot, fullPage: true });

    await page.locator('[data-state=failed]').click();
    const row = page.locator(`[data-testid=jobs] tr[data-job-id="${jobId}"]`);
    await row.waitFor();
    t.match(
      await row.textContent(),
      /send_notification.*failed.*answered 503/s,
      'the jobs table shows it and why',
    );
    await row.getByRole('link').click();

    await page.getByRole('heading', { name: `Job #${jobId} failed` }).waitFor();
    t.match(await page.locator('[data-field="last error"]').textContent(), /answered 503/);
    t.match(await page.locator('[data-testid=history]').textContent(), /failed attempt 1/);

    service.gateway(true);
    await page.getByRole('button', { name: 'Retry' }).click();
    const dialog = page.getByRole('dialog');
    t.match(await dialog.textContent(), `Retry job #${jobId} (send_notification) now`);
    await dialog.getByRole('button', { name: 'Retry' }).click();
    await page.getByText(`Job #${jobId} queued to run again.`).waitFor();
    await page.locator('[data-testid=history] [data-outcome=success]').waitFor({ timeout: 30_000 });
    // The success row commits with the job's removal; a redraw that read the job just before the
    // commit and its runs just after shows the success first, and the next redraw the removal.
    await page.getByTestId('job-gone').waitFor({ timeout: 30_000 });
    t.ok(await page.getByTestId('job-gone').isVisible(), 'the job succeeded and left the queue');
    const { rows } = await pool.query('select state from app_public.notifications where id = $1', [
      notificationId,
    ]);
    t.equal(rows[0].state, 'sent');
    t.equal(
      service.calls.filter((c) => c.body.id === notificationId).length,
      2,
      'the gateway saw both attempts',
    );
  });

  t.test('a booking: its state timeline and pending timers', async (t) => {
    await page.goto(`${base}/admin#/bookings/${booking.id}`);
    await page.getByRole('heading', { name: /Chemistry/ }).waitFor();
    t.match(
      await page.getByTestId('booking-events').textContent(),
      /requested by Sam.*requested → scheduled by Tomás/s,
      'people are shown by name',
    );
    t.notMatch(await page.getByTestId('booking-events').textContent(), /user:/);
    t.match(await page.getByTestId('booking-timers').textContent(), /start_sessions_timer/);
  });

  t.test('a booking page updates live when the tutor accepts, without a reload', async (t) => {
    const asked = await requestBooking(pool, student, tutor, { startsIn: 300, subject: 'Geology' });
    await page.goto(`${base}/admin#/bookings/${asked.id}`);
    await page.getByRole('heading', { name: /Geology/ }).waitFor();
    // Loaded before the accept: the page's stream is open once its replica listens for admins.
    const topic = (await pool.query("select app_private.subscription_topic('admin') as topic"))
      .rows[0]?.topic as string;
    await waitUntil('the page listens', async () => {
      const { rows } = await pool.query(
        "select 1 from pg_stat_activity where query = $1 and state = 'idle'",
        [`LISTEN "${topic}"`],
      );
      return rows.length > 0;
    });
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => {
      (globalThis as { unreloaded?: boolean }).unreloaded = true;
    });
    await acceptBooking(pool, tutor, asked.id);
    await page
      .getByTestId('booking-events')
      .getByText(/requested → scheduled by Tomás/)
      .waitFor({ timeout: 3_000 });
    t.equal(
      await page.evaluate(() => (globalThis as { unreloaded?: boolean }).unreloaded),
      true,
      'the page was not reloaded',
    );
  });

  t.test(
    'the overview and the jobs list update live from the queue, without a reload',
    async (t) => {
      // Every frame the page's sockets receive, and whether any closed: the page polls only
      // once its socket is down (page.js liveOrRefresh), so an open socket means no polling.
      const frames: string[] = [];
      let closed = 0;
      const onSocket = (socket: WebSocket) => {
        socket.on('framereceived', ({ payload }) => frames.push(String(payload)));
        socket.on('close', () => closed++);
      };
      page.on('websocket', onSocket);
      t.teardown(() => page.off('websocket', onSocket));
      const counted = () => frames.filter((f) => f.includes('"queueCounts"')).length;
      const scheduled = page.locator('[data-state=scheduled] .value');

      await page.goto(`${base}/admin#/overview`);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      // The stream starts with the counts as they are.
      await waitUntil('the overview streams the counts', async () => counted() > 0);
      const before = Number(await scheduled.textContent());
      await page.evaluate(() => {
        (globalThis as { unreloaded?: boolean }).unreloaded = true;
      });
      const live = counted();
      // Three jobs of a task no worker runs, due tomorrow: scheduled.
      await pool.query(
        "select graphile_worker.add_job('admin_live', '{}', run_at := now() + interval '1 day') from generate_series(1, 3)",
      );
      await waitUntil('the scheduled card counts them', async () =>
        Number(await scheduled.textContent()) === before + 3 ? true : undefined,
      );
      t.ok(counted() > live, 'the stream sent the new counts');
      t.equal(closed, 0, 'the socket stayed open: nothing polled');

      // The jobs list of that task gains a row the same way, and keeps the filter as it is.
      await page.goto(`${base}/admin#/jobs?task=admin_live`);
      const rows = page.locator('[data-testid=jobs] tr[data-job-id]');
      await waitUntil('the list shows the three', async () => (await rows.count()) === 3);
      await waitUntil("the overview's stream ends with its view", async () => closed === 1);
      await page.getByLabel('since').fill('2030-01-01T00:00');
      await pool.query(
        "select graphile_worker.add_job('admin_live', '{}', run_at := now() + interval '1 day')",
      );
      await waitUntil('the list shows the fourth', async () => (await rows.count()) === 4);
      t.equal(await page.getByLabel('since').inputValue(), '2030-01-01T00:00', 'the edit is kept');
      t.equal(closed, 1, "no socket closed but the overview's");
      t.equal(
        await page.evaluate(() => (globalThis as { unreloaded?: boolean }).unreloaded),
        true,
        'the page was not reloaded',
      );
    },
  );

  t.test(
    'the bookings list loads, most recently changed first, and filters by state',
    async (t) => {
      await requestBooking(pool, student, tutor, { startsIn: 300, subject: 'Physics' });
      await page.goto(`${base}/admin#/bookings`);
      const table = page.locator('table', { has: page.getByText('Recently changed bookings') });
      await table.getByText('Physics').waitFor();
      t.match(
        await table.textContent(),
        /requestedPhysics.*scheduledChemistry/s,
        'both, newest first',
      );
      t.equal(await page.locator('.error').count(), 0, 'no error banner');

      await page.getByLabel('state').selectOption('SCHEDULED');
      await page.waitForURL(/#\/bookings\?state=SCHEDULED$/);
      await table.getByText('Physics').waitFor({ state: 'detached' });
      t.match(await table.textContent(), /scheduledChemistry/, 'the scheduled one stays');
      t.notMatch(await table.textContent(), /Physics/, 'the requested one is filtered out');
    },
  );

  t.test('cancel and run a sweep, each confirmed and reported', async (t) => {
    const { rows } = await pool.query(
      "select (graphile_worker.add_job('expire_requests_sweep', '{}', run_at := now() + interval '1 day', job_key := 'admin-page')).id as id",
    );
    await page.goto(`${base}/admin#/jobs/${rows[0].id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel job' }).click();
    await page.getByText(`Job #${rows[0].id} cancelled.`).waitFor();
    t.equal(
      (await pool.query('select 1 from graphile_worker.jobs where id = $1', [rows[0].id])).rowCount,
      0,
    );

    await page.goto(`${base}/admin#/overview`);
    await page.getByLabel('Sweep').selectOption('start_sessions_sweep');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Run sweep' }).click();
    await page.getByText(/Sweep start_sessions_sweep queued as job #\d+\./).waitFor();
    t.pass('the sweep was queued');
  });

  t.test('the jobs view counts what a filter matches and cancels them all', async (t) => {
    // Jobs of a task no worker runs, two of them in the filter's window and one after it.
    const { rows } = await pool.query(
      `select (graphile_worker.add_job('admin_bulk', '{}', run_at := now() + make_interval(days => d))).id as id
         from unnest(array[1, 2, 30]) d`,
    );
    const until = new Date(Date.now() + 10 * 86_400_000).toISOString();
    await page.goto(`${base}/admin#/jobs?task=admin_bulk&until=${encodeURIComponent(until)}`);
    const count = page.getByTestId('bulk-count');
    await count.waitFor();
    t.equal(
      await count.textContent(),
      '2 job(s) match this filter.',
      'the count before confirming',
    );
    await page.getByRole('button', { name: 'Cancel all' }).click();
    t.match(await page.locator('#confirm-text').textContent(), /Cancel the 2 job\(s\)/);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel all' }).click();
    await page.getByText('2 job(s) cancelled.').waitFor();
    const left = await pool.query('select id from graphile_worker.jobs where id = any($1)', [
      rows.map((r) => r.id),
    ]);
    t.same(left.rows, [{ id: rows[2].id }], 'the job outside the window stays');
  });

  t.test('the schedules list shows a created schedule, and pausing it works', async (t) => {
    const created = await graphqlClient(base, SECRET)(
      admin,
      `mutation ($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { id } } }`,
      {
        input: {
          name: 'Monday prep',
          kind: 'notify_user',
          payload: { userId: student.id, subject: 'Monday', body: 'Prepare your exercises' },
          trigger: { cron: { expression: '0 17 * * 1', timeZone: 'Europe/Madrid' } },
        },
      },
    );
    const { id } = (dataOf(created.body).createSchedule as { schedule: { id: string } }).schedule;

    await page.goto(`${base}/admin#/schedules`);
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    const row = page.locator(`[data-testid=schedules] tr[data-schedule-id="${id}"]`);
    await row.waitFor();
    t.match(
      await row.textContent(),
      /Monday prep.*notify_user.*0 17 \* \* 1.*Europe\/Madrid/s,
      'with its name, kind, trigger and zone',
    );
    t.equal(await row.locator('[data-field=paused]').textContent(), 'no');

    await row.getByRole('button', { name: 'Pause' }).click();
    const dialog = page.getByRole('dialog');
    t.match(await dialog.textContent(), 'Pause schedule "Monday prep"?');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Schedule "Monday prep" paused.').waitFor();
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    t.equal(await row.locator('[data-field=paused]').textContent(), 'paused', 'shown paused');
    const { rows } = await pool.query(
      'select paused, app_private.schedule_job_key(id) in (select key from graphile_worker.jobs where key is not null) as has_job from app_public.schedules where id = $1',
      [id],
    );
    t.same(rows[0], { paused: true, has_job: false }, 'paused, and its job is gone');
  });

  t.test("a job's page pauses its task and resumes it", async (t) => {
    const { rows } = await pool.query(
      "select (graphile_worker.add_job('prune_job_history', '{}', run_at := now() + interval '1 hour')).id as id",
    );
    const id = rows[0].id as string;
    t.teardown(() => pool.query('select graphile_worker.complete_jobs(array[$1::bigint])', [id]));
    await page.goto(`${base}/admin#/jobs/${id}`);
    // The schedules view before it has a paused field too: wait for this job's page.
    await page.getByRole('heading', { name: `Job #${id} scheduled` }).waitFor();
    const paused = page.locator('[data-field=paused]');
    t.equal(await paused.textContent(), 'no');

    await page.getByRole('button', { name: 'Pause task' }).click();
    const dialog = page.getByRole('dialog');
    t.match(await dialog.textContent(), 'Pause task prune_job_history?');
    await dialog.getByRole('button', { name: 'Pause task' }).click();
    await page.getByText('Task prune_job_history paused.').waitFor();
    await page.getByRole('button', { name: 'Resume task' }).waitFor();
    t.equal(await paused.textContent(), 'held by a pause until resumed', 'shown held');

    await page.getByRole('button', { name: 'Resume task' }).click();
    await dialog.getByRole('button', { name: 'Resume task' }).click();
    await page.getByText('Task prune_job_history resumed.').waitFor();
    await page.getByRole('button', { name: 'Pause task' }).waitFor();
    t.equal(await paused.textContent(), 'no', 'and free again');
    const left = await pool.query('select count(*)::int as n from app_private.paused');
    t.equal(left.rows[0].n, 0, 'nothing is paused');
  });

  t.test('the upcoming timeline shows the booking start timer', async (t) => {
    await page.goto(`${base}/admin#/upcoming?hours=24`);
    await page.getByRole('heading', { name: 'Upcoming' }).waitFor();
    const timer = page.locator('[data-testid=upcoming] tr[data-kind=BOOKING_TIMER]');
    await timer.first().waitFor();
    t.match(await timer.first().textContent(), /booking_timer.*start 1 session/s, 'kind and what');
    t.match(
      await page.locator('[data-testid=upcoming] tr[data-kind=REMINDER]').first().textContent(),
      /remind (Sam|Tomás) \(\w+\) of the session at/,
      'and a reminder before it',
    );
  });

  t.test('times JavaScript cannot read are shown as Postgres wrote them', async (t) => {
    // A DBA's jobs, due at times Postgres stores and JavaScript's Date cannot (past 9999 it
    // needs "+010000-..." to parse; past 275760 it has no date at all), one of them a booking's.
    const far: Record<string, string> = {};
    for (const [key, runAt] of [
      ['year-10000', '10000-01-01 00:00:00+00'],
      ['year-294276', '294276-01-01 00:00:00+00'],
      [`booking:${booking.id}:far`, '10000-01-01 10:00:00+00'],
    ] as const) {
      const { rows } = await pool.query(
        `select (graphile_worker.add_job('expire_requests_sweep', '{}', run_at := $1::timestamptz, job_key := $2)).id as id`,
        [runAt, key],
      );
      far[key] = rows[0].id;
    }
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${base}/admin#/jobs`);
    for (const [key, year] of [
      ['year-10000', '10000'],
      ['year-294276', '294276'],
    ] as const) {
      const row = page.locator(`[data-testid=jobs] tr[data-job-id="${far[key]}"]`);
      await row.waitFor();
      t.match(await row.textContent(), `${year}-01-01`, `the jobs view lists ${key}`);
    }
    await page.goto(`${base}/admin#/jobs/${far['year-294276']}`);
    await page.getByRole('heading', { name: `Job #${far['year-294276']}` }).waitFor();
    t.match(await page.locator('[data-field="run at"]').textContent(), /294276-01-01/);

    await page.goto(`${base}/admin#/bookings/${booking.id}`);
    await page.getByRole('heading', { name: /Chemistry/ }).waitFor();
    t.match(
      await page.getByTestId('booking-timers').textContent(),
      /10000-01-01/,
      'the booking view lists its job in 10000',
    );
    t.same(errors, [], 'no script errors');
    t.notMatch((await page.locator('#status').textContent()) ?? '', /Invalid|RangeError/);
  });

  // A page of its own, signed in at `hash`, whose clock the test can run forward (time still
  // flows as usual until it does).
  const openSignedIn = async (hash: string) => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.clock.install();
    await page.goto(`${base}/admin${hash}`);
    await page.getByLabel('Admin token').fill(await signToken(admin, SECRET, 600));
    await page.getByRole('button', { name: 'Sign in' }).click();
    return page;
  };
  const noErrorBanner = async (t: Test, page: Awaited<ReturnType<typeof openSignedIn>>) =>
    t.equal(await page.locator('#status.error').count(), 0, 'no error banner');

  t.test('every view loads real data, with no error banner', async (t) => {
    const page = await openSignedIn('');
    t.teardown(() => page.close());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const nav = page.getByRole('navigation', { name: 'Sections' });

    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page
      .locator('[data-testid=task-counts] th', { hasText: 'start_sessions_timer' })
      .waitFor();
    await noErrorBanner(t, page);

    await nav.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    const timer = page
      .locator('[data-testid=jobs] tr', { hasText: 'start_sessions_timer' })
      .first();
    await timer.waitFor();
    t.equal(await page.locator('#nav a[aria-current=page]').textContent(), 'Jobs');
    await noErrorBanner(t, page);
    await timer.getByRole('link').click();
    await page.getByRole('heading', { name: /^Job #\d+/ }).waitFor();
    t.equal(await page.locator('[data-field=task]').textContent(), 'start_sessions_timer');
    await noErrorBanner(t, page);

    // needs schema helper's orderBy: the list asks for UPDATED_AT_DESC and upper-case
    // BookingState values (SCHEDULED), which the schema helper's change of issue 12 brings.
    await nav.getByRole('link', { name: 'Bookings' }).click();
    await page.getByRole('heading', { name: 'Bookings' }).waitFor();
    const table = page.locator('table', { has: page.getByText('Recently changed bookings') });
    const row = table.locator('tr', { hasText: 'Chemistry' });
    await row.waitFor();
    t.match(await row.textContent(), /scheduled.*Chemistry.*Sam.*Tomás/s, 'with its people');
    await noErrorBanner(t, page);
    // Filtered by state: the scheduled booking is not among the cancelled ones, and is back
    // among the scheduled.
    await page.getByLabel('state').selectOption('CANCELLED');
    await page.waitForURL(/#\/bookings\?state=CANCELLED$/);
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('state').selectOption('SCHEDULED');
    await page.waitForURL(/#\/bookings\?state=SCHEDULED$/);
    await row.waitFor();
    await noErrorBanner(t, page);

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /Chemistry/ }).waitFor();
    t.match(await page.getByTestId('booking-events').textContent(), /scheduled by Tomás/);
    await noErrorBanner(t, page);

    await nav.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    await page.locator('[data-testid=schedules] caption').waitFor();
    await noErrorBanner(t, page);
    t.same(errors, [], 'no script errors');
  });

  t.test('navigation after sign-in stays where the admin put it', async (t) => {
    // Signing in keeps the view the address names.
    const page = await openSignedIn(`#/bookings/${booking.id}`);
    t.teardown(() => page.close());
    await page.getByRole('heading', { name: /Chemistry/ }).waitFor();

    // An action re-renders Overview (which refreshes itself); then the admin opens Jobs.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Run sweep' }).click();
    await page.getByText(/Sweep start_sessions_sweep queued as job #\d+\./).waitFor();
    let overviewRequests = 0;
    page.on('request', (request) => {
      if (request.postData()?.includes('queueSummary')) overviewRequests++;
    });
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.locator('[data-testid=jobs] caption').waitFor();
    const before = overviewRequests;

    // Three of Overview's refresh periods later, the page is still on Jobs and Overview has
    // not asked for anything (its timers are gone).
    await page.clock.runFor(15_000);
    await page.evaluate('document.readyState');
    t.equal(overviewRequests, before, 'no Overview refresh after leaving it');
    t.ok(await page.getByRole('heading', { name: 'Jobs' }).isVisible(), 'still on Jobs');
    t.equal(await page.getByRole('heading', { name: 'Overview' }).count(), 0);
    t.match(page.url(), /#\/jobs$/);

    // A reload stays too.
    await page.reload();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    t.equal(await page.locator('#nav a[aria-current=page]').textContent(), 'Jobs');
  });

  t.test('an error banner belongs to its view', async (t) => {
    const page = await openSignedIn('#/jobs/not-a-job-id');
    t.teardown(() => page.close());
    await page.locator('#status.error').waitFor();
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await noErrorBanner(t, page);
    t.equal(await page.locator('#status').textContent(), '', 'the banner is gone');
  });

  t.test('a favicon, as an svg and at /favicon.ico', async (t) => {
    const ico = await fetch(`${base}/favicon.ico`);
    t.equal(ico.status, 200);
    t.equal(ico.headers.get('content-type'), 'image/x-icon');
    t.same([...new Uint8Array(await ico.arrayBuffer()).subarray(0, 4)], [0, 0, 1, 0], 'an ICO');
    const page = await openSignedIn('');
    t.teardown(() => page.close());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The test is compiled without DOM types: the browser-side code is a string.
    const widths = await page.evaluate<number[]>(`Promise.all(
      [...document.querySelectorAll('link[rel=icon]')].map((link) => new Promise((resolve) => {
        const image = new Image();
        image.onload = () => resolve(image.naturalWidth);
        image.onerror = () => resolve(0);
        image.src = link.href;
      })))`);
    t.equal(widths.length, 2, 'the page names both icons');
    t.ok(
      widths.every((width) => width > 0),
      `both load as images (${widths.join(', ')} px wide)`,
    );
  });
}
