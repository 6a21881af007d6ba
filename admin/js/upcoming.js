// Upcoming: what fires next, as a timeline: booking timers, reminders, schedule occurrences and
// crontab ticks due in the next hour, day or week (the API returns the first 200). The crontab's
// sweeps tick every minute: they are shown only when asked for.

import { badge, h, when } from './dom.js';
import { load, main } from './page.js';
import { table } from './table.js';

const HOUR_MS = 3_600_000;
const WINDOWS = [
  ['1', 'next hour'],
  ['24', 'next 24 hours'],
  ['168', 'next 7 days'],
];

export async function renderUpcoming(params) {
  const hours = WINDOWS.some(([value]) => value === params.get('hours'))
    ? params.get('hours')
    : '24';
  const crontab = params.get('crontab') === 'true';
  const from = new Date();
  const until = new Date(from.getTime() + Number(hours) * HOUR_MS);
  const data = await load(
    `query ($from: Datetime!, $until: Datetime!, $crontab: Boolean) {
      upcoming(from: $from, until: $until, crontab: $crontab) { at kind task what count }
    }`,
    { from: from.toISOString(), until: until.toISOString(), crontab },
  );
  const go = () => {
    location.hash = `#/upcoming?hours=${filter.value}&crontab=${sweeps.checked}`;
  };
  const sweeps = h('input', {
    type: 'checkbox',
    id: 'upcoming-crontab',
    checked: crontab,
    onchange: go,
  });
  const filter = h(
    'select',
    {
      id: 'upcoming-window',
      name: 'hours',
      onchange: go,
    },
    WINDOWS.map(([value, label]) => h('option', { value, selected: value === hours }, label)),
  );
  const items = data.upcoming;
  main.replaceChildren(
    h('h2', {}, 'Upcoming'),
    h(
      'form',
      { class: 'filters' },
      h('label', { for: 'upcoming-window' }, 'show', filter),
      h('label', { for: 'upcoming-crontab' }, sweeps, " with the crontab's sweeps"),
    ),
    table({
      attributes: { 'data-testid': 'upcoming' },
      caption: `${items.length} item(s) due, in time order (at most 200)`,
      columns: ['time', 'kind', 'what'],
      rows: items.map((item) => ({
        attributes: { 'data-kind': item.kind },
        cells: [when(item.at), h('td', {}, badge(item.kind)), item.what],
      })),
      empty: 'Nothing is due in this window.',
    }),
  );
}
