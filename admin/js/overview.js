// Overview: job counts by state and task, the last hour's throughput, the oldest overdue job,
// and a sweep to run now.

import { mutate } from './confirm.js';
import { h, readDate, seconds, when } from './dom.js';
import { liveOrRefresh, load, main } from './page.js';
import { table } from './table.js';

/** REFRESH_MS is how often the view is read again while its live stream is down. */
const REFRESH_MS = 5_000;
/** CHANGES is the stream the view redraws on: the queue's counts, each time they change. */
const CHANGES = 'subscription { queueCounts { succeededLastHour failedLastHour } }';
const OVERVIEW = `{
  adminVocabulary { jobStates sweeps }
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

export async function renderOverview() {
  const data = await load(OVERVIEW);
  // The states and sweeps as the API lists them (introspection may be off).
  const { jobStates: STATES, sweeps: SWEEPS } = data.adminVocabulary;
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
              mutate({
                question: `Run the ${task} sweep now?`,
                label: 'Run sweep',
                mutation:
                  'mutation ($task: String!) { runSweep(input: { task: $task }) { job { id } } }',
                variables: { task },
                done: (result) => `Sweep ${task} queued as job #${result.runSweep.job.id}.`,
                after: renderOverview,
              });
            },
          },
          h('label', { for: 'sweep' }, 'Sweep', sweepSelect),
          h('button', { type: 'submit' }, 'Run sweep'),
        ),
      ),
    ),
    table({
      attributes: { 'data-testid': 'task-counts' },
      caption: 'Jobs by task and state',
      columns: ['task', ...STATES.map((s) => [s.toLowerCase(), { class: 'num' }])],
      rows: tasks.map((task) => ({
        cells: [
          h(
            'th',
            { scope: 'row' },
            h('a', { href: `#/jobs?task=${encodeURIComponent(task)}` }, task),
          ),
          ...STATES.map((state) =>
            h(
              'td',
              { class: 'num' },
              counts.find((c) => c.task === task && c.state === state)?.count ?? 0,
            ),
          ),
        ],
      })),
      empty: 'The queue is empty.',
    }),
    h(
      'p',
      { class: 'muted' },
      `Live: redrawn as the queue changes (every ${REFRESH_MS / 1000} seconds while the live stream is down).`,
    ),
  );
  liveOrRefresh(CHANGES, {}, renderOverview, REFRESH_MS, { skipFirst: true });
}
