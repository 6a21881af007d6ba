// Jobs: the queue, filtered by state, task and run time.

import { badge, h, readDate, toLocalInput, when } from './dom.js';
import { load, main } from './page.js';
import { table } from './table.js';

export const JOB_FIELDS =
  'id task key queue state runAt latenessSeconds attempts maxAttempts lastError lockedBy lockedAt payload createdAt';

export async function renderJobs(params) {
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
      adminVocabulary { jobStates }
    }`,
    filters,
  );
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
  const jobs = data.jobs.nodes;
  main.replaceChildren(
    h('h2', {}, 'Jobs'),
    form,
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
  );
}
