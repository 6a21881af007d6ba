// One job: its facts, the actions on it (retry, cancel, reschedule) and its history.

import { confirmAtButton, confirmButton } from './confirm.js';
import { badge, h, seconds, toLocalInput, when } from './dom.js';
import { facts } from './facts.js';
import { JOB_FIELDS } from './jobs.js';
import { liveOrRefresh, load, main, refreshAfter } from './page.js';

/** WATCH_GONE_MS is how long a job that left the queue is watched for its outcome to show. */
const WATCH_GONE_MS = 30_000;
/** POLL_MS is how often a job is read again while its live stream is down. */
const POLL_MS = 2_000;
/** OUTCOMES is the stream the page redraws on: the outcomes of the job's task (its own, only). */
const OUTCOMES = 'subscription ($task: String) { jobOutcomes(task: $task) { jobId } }';

/** pauseTaskButton pauses a task (its jobs stay queued) or, when it is `paused`, resumes it. */
function pauseTaskButton(task, paused, after) {
  const [verb, field] = paused ? ['Resume', 'resumeTask'] : ['Pause', 'pauseTask'];
  return confirmButton(
    {},
    {
      question: paused
        ? `Resume task ${task}? Its due jobs run now.`
        : `Pause task ${task}? Its jobs stay queued and no worker takes them until it is resumed.`,
      label: `${verb} task`,
      mutation: `mutation ($task: String!) { ${field}(input: { task: $task }) { clientMutationId } }`,
      variables: { task },
      done: () => `Task ${task} ${paused ? 'resumed' : 'paused'}.`,
      after,
    },
  );
}

export async function renderJob(id, goneSince = Date.now()) {
  const data = await load(
    `query ($id: BigInt!) {
      job(id: $id) { ${JOB_FIELDS} }
      jobRuns(jobId: $id) { nodes { id task attempt outcome error workerId startedAt finishedAt durationMs } }
      pauses { nodes { kind name } }
    }`,
    { id },
  );
  const job = data.job;
  const pausedTasks = data.pauses.nodes.filter((p) => p.kind === 'task').map((p) => p.name);
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
          confirmButton(
            { class: 'primary' },
            {
              question: `Retry job #${id} (${job.task}) now, with its attempts reset?`,
              label: 'Retry',
              mutation: 'mutation ($id: BigInt!) { retryJob(input: { id: $id }) { job { id } } }',
              variables: { id },
              done: () => `Job #${id} queued to run again.`,
              after: refresh,
            },
          ),
        job.state !== 'RUNNING' &&
          confirmButton(
            { class: 'danger' },
            {
              question: `Cancel job #${id} (${job.task})? It will not run.`,
              label: 'Cancel job',
              mutation: 'mutation ($id: BigInt!) { cancelJob(input: { id: $id }) { job { id } } }',
              variables: { id },
              done: () => `Job #${id} cancelled.`,
              after: refresh,
            },
          ),
        pauseTaskButton(job.task, pausedTasks.includes(job.task), refresh),
        job.state !== 'RUNNING' && h('label', { for: 'reschedule-at' }, 'run at', reschedule),
        job.state !== 'RUNNING' &&
          confirmAtButton(reschedule, 'Reschedule', (runAt) => ({
            question: `Move job #${id} (${job.task}) to ${new Date(runAt).toLocaleString()}?`,
            label: 'Reschedule',
            mutation:
              'mutation ($id: BigInt!, $runAt: Datetime!) { rescheduleJob(input: { id: $id, runAt: $runAt }) { job { id } } }',
            variables: { id, runAt },
            done: () => `Job #${id} rescheduled.`,
            after: refresh,
          })),
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
      facts(
        [
          ['task', job.task],
          ['key', job.key ?? '—'],
          ['queue', job.queue ?? '—'],
          ['paused', job.paused ? 'held by a pause until resumed' : 'no'],
          ['run at', when(job.runAt)],
          ['late by', seconds(job.latenessSeconds)],
          ['attempts', `${job.attempts} of ${job.maxAttempts}`],
          ['last error', job.lastError ?? '—'],
          ['locked by', job.lockedBy ?? '—'],
          ['created', when(job.createdAt)],
        ],
        { named: true },
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
  // Each outcome of this job redraws it, as it happens (an admin's retry, cancel or move
  // redraws it too, through its action); while the socket is down, it is read every POLL_MS.
  // A job gone without a trace (its task unknown) is read for WATCH_GONE_MS, then left alone.
  const task = job?.task ?? runs.at(-1)?.task;
  if (task) {
    liveOrRefresh(OUTCOMES, { task }, () => renderJob(id), POLL_MS, {
      only: (data) => String(data.jobOutcomes?.jobId) === String(id),
    });
  } else if (goneSince + WATCH_GONE_MS > Date.now()) {
    refreshAfter(POLL_MS, () => renderJob(id, goneSince));
  }
}
