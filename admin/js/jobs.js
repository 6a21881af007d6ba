// Jobs: the queue, filtered by state, task and run time.

import { confirmAtButton, confirmButton } from './confirm.js';
import { badge, h, readDate, toLocalInput, when } from './dom.js';
import { liveOrRefresh, load, main } from './page.js';
import { table } from './table.js';

export const JOB_FIELDS =
  'id task key queue state paused runAt latenessSeconds attempts maxAttempts lastError lockedBy lockedAt payload createdAt';

/** POLL_MS is how often the list is read again while its live stream is down. */
const POLL_MS = 5_000;
/** CHANGES is the stream the list is read again on: the queue's counts, each time they change. */
const CHANGES = 'subscription { queueCounts { succeededLastHour failedLastHour } }';

/**
 * renderJobs shows the filter, the bulk actions and the list; as the queue changes (and every
 * POLL_MS while the live stream is down) it reads them again and redraws the bulk actions and
 * the list only, so that a filter being edited keeps what was typed.
 */
export async function renderJobs(params) {
  const filters = {
    state: params.get('state')?.toUpperCase() || null,
    task: params.get('task') || null,
    since: readDate(params.get('since') || '')?.toISOString() ?? null,
    until: readDate(params.get('until') || '')?.toISOString() ?? null,
  };
  const data = await readJobs(filters);
  const tasks = [...new Set(data.jobCounts.nodes.map((c) => c.task))].sort();
  const STATES = data.adminVocabulary.jobStates;
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
  // Each redraw keeps the stream (or, while it is down, tries it again).
  const live = () => liveOrRefresh(CHANGES, {}, redraw, POLL_MS, { skipFirst: true });
  const redraw = async () => {
    const fresh = await readJobs(filters);
    const [bulk, list] = jobParts(filters, fresh, () => renderJobs(params));
    main.querySelector('[data-testid=bulk]')?.replaceWith(bulk);
    main.querySelector('[data-testid=jobs]')?.replaceWith(list);
    live();
  };
  live();
  main.replaceChildren(
    h('h2', {}, 'Jobs'),
    form,
    ...jobParts(filters, data, () => renderJobs(params)),
  );
}

/** readJobs reads the list, the bulk counts and the choices of the filter. */
function readJobs(filters) {
  return load(
    `query ($state: JobState, $task: String, $since: Datetime, $until: Datetime, $filtered: Boolean!) {
      jobs(state: $state, task: $task, since: $since, until: $until, first: 100) { totalCount nodes { ${JOB_FIELDS} } }
      jobsMatching(state: $state, task: $task, since: $since, until: $until) @include(if: $filtered) {
        total retryable cancellable reschedulable perCall
      }
      jobCounts { nodes { task } }
      adminVocabulary { jobStates }
    }`,
    { ...filters, filtered: Object.values(filters).some(Boolean) },
  );
}

/** jobParts is the bulk actions and the list of the jobs read. */
function jobParts(filters, data, refresh) {
  const jobs = data.jobs.nodes;
  return [
    bulkActions(filters, data.jobsMatching, refresh),
    table({
      attributes: { 'data-testid': 'jobs' },
      caption: `${data.jobs.totalCount} job(s)${jobs.length < data.jobs.totalCount ? `, the first ${jobs.length} shown` : ''}, by run time`,
      columns: ['id', 'task', 'state', 'run at', 'attempts', 'last error'],
      rows: jobs.map((job) => ({
        attributes: { 'data-job-id': job.id },
        cells: [
          h('a', { href: `#/jobs/${job.id}` }, `#${job.id}`),
          job.task,
          badge(job.state),
          when(job.runAt),
          h('td', { class: 'num' }, `${job.attempts}/${job.maxAttempts}`),
          h('td', { class: 'error' }, job.lastError ?? ''),
        ],
      })),
      empty: 'No job matches.',
    }),
  ];
}

/**
 * bulkActions is the bulk section under the filter: how many jobs the filter matches, then a
 * confirm-and-act button per action saying how many it would act on. The API refuses an empty
 * filter (it would mean every job), so without one the section only says so.
 */
function bulkActions(filters, matching, refresh) {
  if (!matching)
    return h(
      'p',
      { class: 'muted', 'data-testid': 'bulk' },
      'Filter by state, task or time to retry, cancel or reschedule the matching jobs at once.',
    );
  const FILTER = '$state: JobState, $task: String, $since: Datetime, $until: Datetime';
  const ARGS = 'state: $state, task: $task, since: $since, until: $until';
  const action = (label, done, count, field, runAt) => ({
    question: `${label.replace(' all', '')} the ${count > matching.perCall ? `first ${matching.perCall} of the ${count}` : count} job(s) of this filter${runAt ? ` to ${new Date(runAt).toLocaleString()}` : ''}?`,
    label,
    mutation: runAt
      ? `mutation (${FILTER}, $runAt: Datetime!) { ${field}(input: { ${ARGS}, runAt: $runAt }) { count } }`
      : `mutation (${FILTER}) { ${field}(input: { ${ARGS} }) { count } }`,
    variables: { ...filters, runAt },
    done: (data) => `${data[field].count} job(s) ${done}.`,
    after: refresh,
  });
  const runAt = h('input', { id: 'bulk-run-at', type: 'datetime-local' });
  const { total, retryable, cancellable, reschedulable } = matching;
  return h(
    'div',
    { class: 'actions', 'data-testid': 'bulk' },
    h('span', { 'data-testid': 'bulk-count' }, `${total} job(s) match this filter.`),
    retryable > 0 &&
      confirmButton({ class: 'primary' }, action('Retry all', 'retried', retryable, 'retryJobs')),
    cancellable > 0 &&
      confirmButton(
        { class: 'danger' },
        action('Cancel all', 'cancelled', cancellable, 'cancelJobs'),
      ),
    reschedulable > 0 && h('label', { for: 'bulk-run-at' }, 'run at', runAt),
    reschedulable > 0 &&
      confirmAtButton(runAt, 'Reschedule all', (at) =>
        action('Reschedule all', 'rescheduled', reschedulable, 'rescheduleJobs', at),
      ),
  );
}
