// Schedules: the runtime schedules by next run, with their last outcome, and the actions on
// each (pause, resume, run now, delete), every one confirmed.

import { confirmButton } from './confirm.js';
import { badge, h, when } from './dom.js';
import { load, main } from './page.js';
import { table } from './table.js';

const PAGE = 100;

/** every writes an Interval as durations are written in schoolbell: "1 day 2 hours". */
function every(interval) {
  const parts = ['days', 'hours', 'minutes', 'seconds']
    .filter((unit) => interval?.[unit])
    .map((unit) => `${interval[unit]} ${interval[unit] === 1 ? unit.slice(0, -1) : unit}`);
  return `every ${parts.join(' ') || '0 seconds'}`;
}

/** rule is what a schedule's trigger says: its time, its interval or its cron expression. */
function rule(schedule) {
  if (schedule.trigger === 'ONCE') return ['once at ', when(schedule.runAt)];
  if (schedule.trigger === 'INTERVAL') return every(schedule.every);
  return h('code', {}, schedule.cron);
}

/** actions are the buttons of one schedule: pause or resume, run now, delete. */
function actions(schedule, refresh) {
  const act = (mutation, label, question, done, attributes = {}) =>
    confirmButton(attributes, {
      question,
      label,
      mutation: `mutation ($id: UUID!) { ${mutation}(input: { id: $id }) { __typename } }`,
      variables: { id: schedule.id },
      done: () => done,
      after: refresh,
    });
  const name = `"${schedule.name}"`;
  return h(
    'td',
    {},
    h(
      'div',
      { class: 'actions' },
      schedule.paused
        ? act('resumeSchedule', 'Resume', `Resume schedule ${name}?`, `Schedule ${name} resumed.`)
        : act(
            'pauseSchedule',
            'Pause',
            `Pause schedule ${name}? It runs nothing until resumed.`,
            `Schedule ${name} paused.`,
          ),
      !schedule.paused &&
        act(
          'runScheduleNow',
          'Run now',
          `Run schedule ${name} (${schedule.kind}) once now?`,
          `Schedule ${name} runs now.`,
        ),
      act(
        'deleteSchedule',
        'Delete',
        `Delete schedule ${name}, its job and its runs?`,
        `Schedule ${name} deleted.`,
        { class: 'danger' },
      ),
    ),
  );
}

export async function renderSchedules(params) {
  const paused = params.get('paused');
  const data = await load(
    `query ($condition: ScheduleCondition) {
      schedules(condition: $condition, orderBy: NEXT_RUN_AT_ASC, first: ${PAGE}) {
        totalCount
        nodes {
          id name kind trigger runAt every { days hours minutes seconds } cron timeZone paused nextRunAt
          runs(first: 1, orderBy: OCCURRENCE_DESC) { nodes { outcome ranAt } }
        }
      }
    }`,
    { condition: paused ? { paused: paused === 'true' } : null },
  );
  const filter = h(
    'select',
    {
      id: 'schedule-paused',
      name: 'paused',
      onchange: () => {
        location.hash = filter.value ? `#/schedules?paused=${filter.value}` : '#/schedules';
      },
    },
    h('option', { value: '' }, 'any'),
    h('option', { value: 'false', selected: paused === 'false' }, 'active'),
    h('option', { value: 'true', selected: paused === 'true' }, 'paused'),
  );
  const schedules = data.schedules.nodes;
  const refresh = () => renderSchedules(params);
  main.replaceChildren(
    h('h2', {}, 'Schedules'),
    h('form', { class: 'filters' }, h('label', { for: 'schedule-paused' }, 'show', filter)),
    table({
      attributes: { 'data-testid': 'schedules' },
      caption: `${data.schedules.totalCount} schedule(s)${schedules.length < data.schedules.totalCount ? `, the first ${schedules.length} shown` : ''}, by next run`,
      columns: ['name', 'kind', 'trigger', 'zone', 'next run', 'paused', 'last outcome', 'actions'],
      rows: schedules.map((schedule) => {
        const last = schedule.runs.nodes[0];
        return {
          attributes: { 'data-schedule-id': schedule.id },
          cells: [
            schedule.name,
            schedule.kind,
            h('td', {}, rule(schedule)),
            schedule.timeZone ?? '—',
            when(schedule.nextRunAt),
            h('td', { 'data-field': 'paused' }, schedule.paused ? badge('paused') : 'no'),
            last ? h('td', {}, badge(last.outcome), ' ', when(last.ranAt)) : '—',
            actions(schedule, refresh),
          ],
        };
      }),
      empty: 'No schedule matches.',
    }),
  );
}
