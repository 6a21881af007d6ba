// schoolbell's admin page: plain browser JavaScript, no build step, no framework. It talks to the
// admin GraphQL API only, with the admin's bearer token, and builds the DOM with h() so that
// nothing from the server is ever parsed as HTML.

const TOKEN_KEY = 'schoolbell.adminToken';
const REFRESH_MS = 5_000;
const STATES = ['SCHEDULED', 'DUE', 'RUNNING', 'RETRYING', 'FAILED'];
const SWEEPS = [
  'start_sessions',
  'end_sessions',
  'expire_requests',
  'requeue_notifications',
  'prune_job_history',
];

const main = document.getElementById('main');
const statusLine = document.getElementById('status');
const nav = document.getElementById('nav');
// The one refresh timer: refreshAfter replaces it, route() clears it. Two timers alive at once
// (one armed by a view, one by an action's re-render) used to paint Overview over Jobs.
let refreshTimer;
// Each route() starts a new view. A view's data that arrives after the admin has moved on is
// dropped (STALE), so a slow refresh can never paint an old view over the one now shown.
let view = 0;
const STALE = Symbol('stale view');

/** h builds an element: h('td', { class: 'num' }, '3'). Children are nodes or text. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function say(message, kind = '') {
  statusLine.textContent = message;
  statusLine.className = kind;
}

// GraphQL spells enum values in upper case; the page shows them (and names its classes and data
// attributes) in lower case.
function badge(value) {
  const shown = String(value ?? '').toLowerCase();
  return h('span', { class: `badge ${shown}` }, shown);
}

// Postgres stores times JavaScript cannot read (the year 10000 as "10000-01-01T...", 'infinity',
// BC dates): such a time is shown as Postgres wrote it, never breaking the view around it.
function readDate(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function when(value) {
  if (!value) return '—';
  const date = readDate(value);
  if (!date) return h('span', { class: 'raw-time', title: String(value) }, String(value));
  return h(
    'time',
    { datetime: date.toISOString(), title: date.toISOString() },
    date.toLocaleString(),
  );
}

function seconds(value) {
  if (value === null || value === undefined) return '—';
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 120) return `${value.toFixed(1)} s`;
  return `${Math.round(value / 60)} min`;
}

/** GraphQLError carries the API's message and code (e.g. DENYD). */
class GraphQLError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

async function gql(query, variables = {}, token = sessionStorage.getItem(TOKEN_KEY)) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response
    .json()
    .catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
  if (body.errors?.length) {
    const [error] = body.errors;
    if (error.extensions?.code === 'DENYD' || response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      nav.hidden = true;
    }
    throw new GraphQLError(error.message, error.extensions?.code);
  }
  return body.data;
}

/**
 * refreshAfter renders the current view again after `ms`. A refresh that fails (the server
 * busy, the network gone) is reported and tried again, so a watched view never goes quiet;
 * one for a view the admin has left, or after signing out, stops.
 */
function refreshAfter(ms, render) {
  const mine = view;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (mine !== view) return;
    render().catch((error) => {
      showError(error);
      if (error !== STALE && mine === view && sessionStorage.getItem(TOKEN_KEY))
        refreshAfter(ms, render);
    });
  }, ms);
}

/** load runs a view's query, and throws STALE if another view was routed to meanwhile. */
async function load(query, variables) {
  const mine = view;
  const data = await gql(query, variables);
  if (mine !== view) throw STALE;
  return data;
}

/** confirmAction shows the confirmation dialog and resolves true when the admin confirms. */
function confirmAction(text, label) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = label;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), {
      once: true,
    });
  });
}

/** act confirms, runs a mutation, says what happened, then re-renders the view. */
async function act(text, label, run, done) {
  if (!(await confirmAction(text, label))) return;
  try {
    say(`${label}…`);
    const message = await run();
    say(message, 'done');
    await done();
  } catch (error) {
    if (error !== STALE) say(`${label} failed: ${error.message}`, 'error');
  }
}

// ---------------------------------------------------------------------------------------------
// Sign in

function renderSignIn(reason) {
  nav.hidden = true;
  const input = h('textarea', {
    id: 'token',
    name: 'token',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    {
      class: 'panel signin',
      onsubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        try {
          const data = await gql('{ currentUser { name role } }', {}, token);
          if (!data.currentUser) throw new Error('this token names no user');
          if (data.currentUser.role !== 'ADMIN') {
            throw new Error(
              `this token belongs to ${data.currentUser.name}, a ${data.currentUser.role.toLowerCase()}; the admin page is for admins only`,
            );
          }
          sessionStorage.setItem(TOKEN_KEY, token);
          say(`Signed in as ${data.currentUser.name}.`, 'done');
          // The view in the address stays (a reload, a shared link); none means Overview. A
          // changed hash routes by itself (hashchange); routing twice would run two views.
          if (location.hash.length > 2) route();
          else location.hash = '#/overview';
        } catch (error) {
          say(`Not signed in: ${error.message}`, 'error');
        }
      },
    },
    h('h2', {}, 'Sign in'),
    h(
      'p',
      { class: 'muted' },
      'Paste an admin bearer token (',
      h('code', {}, 'npm run token -- --user <id>'),
      ').',
    ),
    h('label', { for: 'token' }, 'Admin token', input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
  );
  main.replaceChildren(form);
  if (reason) say(reason, 'error');
  input.focus();
}

// ---------------------------------------------------------------------------------------------
// Overview

const OVERVIEW = `{
  jobCounts { nodes { task state count } }
  queueSummary { oldestDueJobId oldestDueTask oldestDueRunAt oldestDueLatenessSeconds succeededLastHour failedLastHour perMinuteLastHour }
  jobThroughput(minutes: 60, bucketMinutes: 5) { nodes { bucketStart succeeded failed } }
}`;

function chart(buckets) {
  const width = 600;
  const height = 160;
  const max = Math.max(1, ...buckets.map((b) => b.succeeded + b.failed));
  const slot = width / Math.max(1, buckets.length);
  const bars = buckets.flatMap((bucket, index) => {
    const okHeight = (bucket.succeeded / max) * (height - 20);
    const badHeight = (bucket.failed / max) * (height - 20);
    const x = index * slot + 2;
    const label = `${readDate(bucket.bucketStart)?.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) ?? bucket.bucketStart}: ${bucket.succeeded} succeeded, ${bucket.failed} failed`;
    const svg = 'http://www.w3.org/2000/svg';
    const group = document.createElementNS(svg, 'g');
    const title = document.createElementNS(svg, 'title');
    title.textContent = label;
    group.append(title);
    for (const [value, y, color] of [
      [okHeight, height - okHeight, 'var(--ok)'],
      [badHeight, height - okHeight - badHeight, 'var(--bad)'],
    ]) {
      const rect = document.createElementNS(svg, 'rect');
      rect.setAttribute('x', String(x));
      rect.setAttribute('y', String(y));
      rect.setAttribute('width', String(Math.max(1, slot - 4)));
      rect.setAttribute('height', String(value));
      rect.setAttribute('fill', color);
      group.append(rect);
    }
    return [group];
  });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 18}`);
  svg.setAttribute('role', 'img');
  const total = buckets.reduce((sum, b) => sum + b.succeeded, 0);
  const failed = buckets.reduce((sum, b) => sum + b.failed, 0);
  svg.setAttribute(
    'aria-label',
    `Jobs over the last hour in 5-minute buckets: ${total} succeeded, ${failed} failed`,
  );
  svg.append(...bars);
  const label = (x, y, text, anchor) => {
    const node = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    node.setAttribute('x', String(x));
    node.setAttribute('y', String(y));
    node.setAttribute('text-anchor', anchor);
    node.textContent = text;
    svg.append(node);
  };
  const clock = (value) =>
    readDate(value)?.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) ?? value;
  label(2, 11, `${max} jobs`, 'start');
  if (buckets.length) {
    label(2, height + 14, clock(buckets[0].bucketStart), 'start');
    label(width - 2, height + 14, clock(buckets[buckets.length - 1].bucketStart), 'end');
  }
  return svg;
}

async function renderOverview() {
  const data = await load(OVERVIEW);
  const counts = data.jobCounts.nodes;
  const byState = Object.fromEntries(STATES.map((state) => [state, 0]));
  const tasks = [...new Set(counts.map((c) => c.task))].sort();
  for (const row of counts) byState[row.state] += row.count;
  const summary = data.queueSummary;

  const sweepSelect = h(
    'select',
    { id: 'sweep', name: 'sweep' },
    SWEEPS.map((s) => h('option', { value: s }, s)),
  );
  main.replaceChildren(
    h('h2', {}, 'Overview'),
    h(
      'div',
      { class: 'cards', 'data-testid': 'state-counts' },
      STATES.map((state) =>
        h(
          'a',
          { class: 'card', href: `#/jobs?state=${state}`, 'data-state': state.toLowerCase() },
          h('div', { class: 'value' }, byState[state]),
          h('div', { class: 'label' }, state.toLowerCase()),
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'value' }, summary.succeededLastHour),
        h('div', { class: 'label' }, 'succeeded, last hour'),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'value' }, summary.failedLastHour),
        h('div', { class: 'label' }, 'failed, last hour'),
      ),
    ),
    h(
      'div',
      { class: 'grid2' },
      h(
        'section',
        { class: 'panel chart', 'aria-labelledby': 'chart-title' },
        h('h3', { id: 'chart-title' }, 'Throughput and failures, last hour'),
        chart(data.jobThroughput.nodes),
        h(
          'div',
          { class: 'legend' },
          h('span', { class: 'ok' }, 'succeeded'),
          h('span', { class: 'bad' }, 'failed'),
          h('span', {}, `${summary.perMinuteLastHour.toFixed(1)} per minute`),
        ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'oldest-title' },
        h('h3', { id: 'oldest-title' }, 'Oldest overdue job'),
        summary.oldestDueJobId
          ? h(
              'p',
              {},
              h(
                'a',
                { href: `#/jobs/${summary.oldestDueJobId}` },
                `#${summary.oldestDueJobId} ${summary.oldestDueTask}`,
              ),
              `, due `,
              when(summary.oldestDueRunAt),
              `, late by ${seconds(summary.oldestDueLatenessSeconds)}`,
            )
          : h('p', { class: 'muted' }, 'Nothing is overdue.'),
        h('h3', {}, 'Run a sweep now'),
        h(
          'form',
          {
            class: 'actions',
            onsubmit: (event) => {
              event.preventDefault();
              const task = sweepSelect.value;
              act(
                `Run the ${task} sweep now?`,
                'Run sweep',
                async () => {
                  const result = await gql(
                    'mutation ($task: String!) { runSweep(input: { task: $task }) { job { id } } }',
                    {
                      task,
                    },
                  );
                  return `Sweep ${task} queued as job #${result.runSweep.job.id}.`;
                },
                renderOverview,
              );
            },
          },
          h('label', { for: 'sweep' }, 'Sweep', sweepSelect),
          h('button', { type: 'submit' }, 'Run sweep'),
        ),
      ),
    ),
    h(
      'table',
      { 'data-testid': 'task-counts' },
      h('caption', {}, 'Jobs by task and state'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'task'),
          STATES.map((s) => h('th', { scope: 'col', class: 'num' }, s.toLowerCase())),
        ),
      ),
      h(
        'tbody',
        {},
        tasks.length
          ? tasks.map((task) =>
              h(
                'tr',
                {},
                h(
                  'th',
                  { scope: 'row' },
                  h('a', { href: `#/jobs?task=${encodeURIComponent(task)}` }, task),
                ),
                STATES.map((state) =>
                  h(
                    'td',
                    { class: 'num' },
                    counts.find((c) => c.task === task && c.state === state)?.count ?? 0,
                  ),
                ),
              ),
            )
          : h(
              'tr',
              {},
              h('td', { colspan: STATES.length + 1, class: 'muted' }, 'The queue is empty.'),
            ),
      ),
    ),
    h('p', { class: 'muted' }, `Refreshes every ${REFRESH_MS / 1000} seconds.`),
  );
  refreshAfter(REFRESH_MS, renderOverview);
}

// ---------------------------------------------------------------------------------------------
// Jobs

const JOB_FIELDS =
  'id task key queue state runAt latenessSeconds attempts maxAttempts lastError lockedBy lockedAt payload createdAt';

function toLocalInput(value) {
  const date = value ? readDate(value) : null;
  if (!date || date.getFullYear() > 9999 || date.getFullYear() < 1) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

async function renderJobs(params) {
  const filters = {
    state: params.get('state')?.toUpperCase() || null,
    task: params.get('task') || null,
    since: readDate(params.get('since') || '')?.toISOString() ?? null,
    until: readDate(params.get('until') || '')?.toISOString() ?? null,
  };
  const data = await load(
    `query ($state: JobState, $task: String, $since: Datetime, $until: Datetime) {
      jobs(state: $state, task: $task, since: $since, until: $until, first: 100) { totalCount nodes { ${JOB_FIELDS} } }
      jobCounts { nodes { task } }
    }`,
    filters,
  );
  const tasks = [...new Set(data.jobCounts.nodes.map((c) => c.task))].sort();
  const field = (name, control) => h('label', { for: `filter-${name}` }, name, control);
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        const query = new URLSearchParams();
        for (const [name, value] of new FormData(form)) if (value) query.set(name, String(value));
        location.hash = `#/jobs?${query}`;
      },
    },
    field(
      'state',
      h(
        'select',
        { id: 'filter-state', name: 'state' },
        h('option', { value: '' }, 'any'),
        STATES.map((s) =>
          h('option', { value: s, selected: s === filters.state }, s.toLowerCase()),
        ),
      ),
    ),
    field(
      'task',
      h(
        'select',
        { id: 'filter-task', name: 'task' },
        h('option', { value: '' }, 'any'),
        [...new Set([...tasks, filters.task].filter(Boolean))].map((t) =>
          h('option', { value: t, selected: t === filters.task }, t),
        ),
      ),
    ),
    field(
      'since',
      h('input', {
        id: 'filter-since',
        name: 'since',
        type: 'datetime-local',
        value: toLocalInput(filters.since),
      }),
    ),
    field(
      'until',
      h('input', {
        id: 'filter-until',
        name: 'until',
        type: 'datetime-local',
        value: toLocalInput(filters.until),
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
  );
  const jobs = data.jobs.nodes;
  main.replaceChildren(
    h('h2', {}, 'Jobs'),
    form,
    h(
      'table',
      { 'data-testid': 'jobs' },
      h(
        'caption',
        {},
        `${data.jobs.totalCount} job(s)${jobs.length < data.jobs.totalCount ? `, the first ${jobs.length} shown` : ''}, by run time`,
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['id', 'task', 'state', 'run at', 'attempts', 'last error'].map((name) =>
            h('th', { scope: 'col' }, name),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        jobs.length
          ? jobs.map((job) =>
              h(
                'tr',
                { 'data-job-id': job.id },
                h('td', {}, h('a', { href: `#/jobs/${job.id}` }, `#${job.id}`)),
                h('td', {}, job.task),
                h('td', {}, badge(job.state)),
                h('td', {}, when(job.runAt)),
                h('td', { class: 'num' }, `${job.attempts}/${job.maxAttempts}`),
                h('td', { class: 'error' }, job.lastError ?? ''),
              ),
            )
          : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No job matches.')),
      ),
    ),
  );
}

/** WATCH_GONE_MS is how long a job that left the queue is watched for its outcome to show. */
const WATCH_GONE_MS = 30_000;

async function renderJob(id, goneSince = Date.now()) {
  const data = await load(
    `query ($id: BigInt!) {
      job(id: $id) { ${JOB_FIELDS} }
      jobRuns(jobId: $id) { nodes { id attempt outcome error workerId startedAt finishedAt durationMs } }
    }`,
    { id },
  );
  const job = data.job;
  const runs = [...data.jobRuns.nodes].reverse();
  const reschedule = h('input', {
    id: 'reschedule-at',
    type: 'datetime-local',
    value: toLocalInput(job?.runAt),
  });
  const refresh = () => renderJob(id);
  const actions = job
    ? h(
        'div',
        { class: 'actions' },
        ['FAILED', 'RETRYING'].includes(job.state) &&
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              onclick: () =>
                act(
                  `Retry job #${id} (${job.task}) now, with its attempts reset?`,
                  'Retry',
                  async () => {
                    await gql(
                      'mutation ($id: BigInt!) { retryJob(input: { id: $id }) { job { id } } }',
                      { id },
                    );
                    return `Job #${id} queued to run again.`;
                  },
                  refresh,
                ),
            },
            'Retry',
          ),
        job.state !== 'RUNNING' &&
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                act(
                  `Cancel job #${id} (${job.task})? It will not run.`,
                  'Cancel job',
                  async () => {
                    await gql(
                      'mutation ($id: BigInt!) { cancelJob(input: { id: $id }) { job { id } } }',
                      { id },
                    );
                    return `Job #${id} cancelled.`;
                  },
                  refresh,
                ),
            },
            'Cancel job',
          ),
        job.state !== 'RUNNING' && h('label', { for: 'reschedule-at' }, 'run at', reschedule),
        job.state !== 'RUNNING' &&
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                const chosen = readDate(reschedule.value);
                if (!chosen) return say('Choose a time to reschedule to.', 'error');
                const runAt = chosen.toISOString();
                act(
                  `Move job #${id} (${job.task}) to ${new Date(runAt).toLocaleString()}?`,
                  'Reschedule',
                  async () => {
                    await gql(
                      'mutation ($id: BigInt!, $runAt: Datetime!) { rescheduleJob(input: { id: $id, runAt: $runAt }) { job { id } } }',
                      {
                        id,
                        runAt,
                      },
                    );
                    return `Job #${id} rescheduled.`;
                  },
                  refresh,
                );
              },
            },
            'Reschedule',
          ),
      )
    : h(
        'p',
        { class: 'muted', 'data-testid': 'job-gone' },
        'This job is no longer queued: it finished or was cancelled. Its history is below.',
      );

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')),
    h('h2', {}, `Job #${id}`, job ? ' ' : '', job ? badge(job.state) : ''),
    job &&
      h(
        'dl',
        { class: 'facts panel' },
        [
          ['task', job.task],
          ['key', job.key ?? '—'],
          ['queue', job.queue ?? '—'],
          ['run at', when(job.runAt)],
          ['late by', seconds(job.latenessSeconds)],
          ['attempts', `${job.attempts} of ${job.maxAttempts}`],
          ['last error', job.lastError ?? '—'],
          ['locked by', job.lockedBy ?? '—'],
          ['created', when(job.createdAt)],
        ].flatMap(([name, value]) => [h('dt', {}, name), h('dd', { 'data-field': name }, value)]),
      ),
    actions,
    job && h('h3', {}, 'Payload'),
    job && h('pre', {}, JSON.stringify(job.payload, null, 2)),
    h('h3', {}, 'History'),
    runs.length
      ? h(
          'ol',
          { class: 'timeline', 'data-testid': 'history' },
          runs.map((run) =>
            h(
              'li',
              { 'data-outcome': run.outcome.toLowerCase() },
              badge(run.outcome),
              ` attempt ${run.attempt}`,
              run.durationMs !== null ? `, ${Math.round(run.durationMs)} ms` : '',
              run.workerId ? ` on ${run.workerId}` : '',
              h('div', { class: 'when' }, when(run.finishedAt)),
              run.error ? h('div', { class: 'error' }, run.error) : '',
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No attempt has finished yet.'),
  );
  // Watch a job that is still on its way (queued, running, retrying) until it settles. A job
  // that left the queue has settled once its history says how (the history is written just
  // after); a job gone without a trace is watched for WATCH_GONE_MS, then left alone.
  const last = runs.at(-1)?.outcome;
  const settled = job ? job.state === 'FAILED' : ['SUCCESS', 'FAILED', 'CANCELLED'].includes(last);
  if (!settled && goneSince + WATCH_GONE_MS > Date.now())
    refreshAfter(2_000, () => renderJob(id, job ? Date.now() : goneSince));
}

// ---------------------------------------------------------------------------------------------
// Bookings

const BOOKING_FIELDS = 'id state subject startsAt endsAt expiresAt student { name } tutor { name }';

const BOOKING_STATES = [
  'REQUESTED',
  'SCHEDULED',
  'ACTIVE',
  'ENDED',
  'DECLINED',
  'CANCELLED',
  'EXPIRED',
];

async function renderBookings(params) {
  const state = params.get('state')?.toUpperCase() || null;
  const data = await load(
    `query ($condition: BookingCondition) {
      bookings(condition: $condition, orderBy: UPDATED_AT_DESC, first: 30) { nodes { ${BOOKING_FIELDS} updatedAt } }
    }`,
    { condition: state ? { state } : null },
  );
  const stateFilter = h(
    'select',
    {
      id: 'booking-state',
      name: 'state',
      onchange: () => {
        location.hash = stateFilter.value ? `#/bookings?state=${stateFilter.value}` : '#/bookings';
      },
    },
    h('option', { value: '' }, 'any'),
    BOOKING_STATES.map((s) => h('option', { value: s, selected: s === state }, s.toLowerCase())),
  );
  const search = h('input', {
    id: 'booking-id',
    name: 'id',
    placeholder: 'a booking id',
    size: 38,
  });
  main.replaceChildren(
    h('h2', {}, 'Bookings'),
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (event) => {
          event.preventDefault();
          if (search.value.trim()) location.hash = `#/bookings/${search.value.trim()}`;
        },
      },
      h('label', { for: 'booking-id' }, 'Booking id', search),
      h('button', { type: 'submit', class: 'primary' }, 'Open'),
      h('label', { for: 'booking-state' }, 'state', stateFilter),
    ),
    h(
      'table',
      {},
      h('caption', {}, 'Recently changed bookings'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['booking', 'state', 'subject', 'student', 'tutor', 'starts'].map((n) =>
            h('th', { scope: 'col' }, n),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        data.bookings.nodes.map((b) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: `#/bookings/${b.id}` }, b.id.slice(0, 8))),
            h('td', {}, badge(b.state)),
            h('td', {}, b.subject),
            h('td', {}, b.student?.name ?? '—'),
            h('td', {}, b.tutor?.name ?? '—'),
            h('td', {}, when(b.startsAt)),
          ),
        ),
      ),
    ),
  );
}

async function renderBooking(id) {
  const data = await load(
    `query ($id: UUID!) {
      booking(id: $id) {
        ${BOOKING_FIELDS}
        events(orderBy: ID_ASC) { nodes { fromState toState actorName reason createdAt } }
        timers { nodes { id task key state runAt } }
        reminders { nodes { id recipient { name } runAt state attempts lastError } }
      }
    }`,
    { id },
  );
  const b = data.booking;
  if (!b) {
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/bookings' }, '← Bookings')),
      h('p', {}, `No booking ${id}.`),
    );
    return;
  }
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/bookings' }, '← Bookings')),
    h('h2', {}, `${b.subject} `, badge(b.state)),
    h(
      'dl',
      { class: 'facts panel' },
      [
        ['id', b.id],
        ['student', b.student?.name ?? '—'],
        ['tutor', b.tutor?.name ?? '—'],
        ['starts', when(b.startsAt)],
        ['ends', when(b.endsAt)],
        ['request expires', when(b.expiresAt)],
      ].flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
    ),
    h(
      'div',
      { class: 'grid2' },
      h(
        'section',
        { 'aria-labelledby': 'timeline-title' },
        h('h3', { id: 'timeline-title' }, 'State timeline'),
        h(
          'ol',
          { class: 'timeline', 'data-testid': 'booking-events' },
          b.events.nodes.map((e) =>
            h(
              'li',
              {},
              e.fromState ? `${e.fromState.toLowerCase()} → ` : '',
              badge(e.toState),
              ` by ${e.actorName}`,
              e.reason ? ` (${e.reason})` : '',
              h('div', { class: 'when' }, when(e.createdAt)),
            ),
          ),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'timers-title' },
        h('h3', { id: 'timers-title' }, 'Pending timers'),
        b.timers.nodes.length
          ? h(
              'ul',
              { 'data-testid': 'booking-timers' },
              b.timers.nodes.map((j) =>
                h(
                  'li',
                  {},
                  h('a', { href: `#/jobs/${j.id}` }, j.task),
                  ' ',
                  badge(j.state),
                  ' at ',
                  when(j.runAt),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'None: nothing is waiting for a deadline.'),
        h('h3', {}, 'Reminders'),
        b.reminders.nodes.length
          ? h(
              'ul',
              {},
              b.reminders.nodes.map((r) =>
                h(
                  'li',
                  {},
                  `${r.recipient?.name ?? '?'}: `,
                  badge(r.state),
                  ' at ',
                  when(r.runAt),
                  r.lastError ? ` (${r.lastError})` : '',
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'None.'),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Routing

function showError(error) {
  if (error === STALE) return;
  if (!sessionStorage.getItem(TOKEN_KEY)) return renderSignIn(`Signed out: ${error.message}`);
  say(error.message, 'error');
}

async function route() {
  view++;
  clearTimeout(refreshTimer);
  // An error belongs to the view that had it: the next view starts without it. A message that
  // reports success (signed in, a job retried) may stay.
  if (statusLine.className === 'error') say('');
  if (!sessionStorage.getItem(TOKEN_KEY)) return renderSignIn();
  nav.hidden = false;
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = (path || '/overview').split('/').filter(Boolean);
  for (const link of nav.querySelectorAll('a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${parts[0]}`);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  try {
    if (parts[0] === 'jobs' && parts[1]) await renderJob(parts[1]);
    else if (parts[0] === 'jobs') await renderJobs(new URLSearchParams(query));
    else if (parts[0] === 'bookings' && parts[1]) await renderBooking(parts[1]);
    else if (parts[0] === 'bookings') await renderBookings(new URLSearchParams(query));
    else await renderOverview();
  } catch (error) {
    showError(error);
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  say('Signed out.');
  route();
});
window.addEventListener('hashchange', () => {
  route();
  main.focus();
});
route();
