// One table builder for every list the page shows.

import { h } from './dom.js';

const cell = (value) => (value instanceof HTMLTableCellElement ? value : h('td', {}, value));

/**
 * table builds a captioned table. A column is its name, or [name, the th's attributes]. A row
 * is { attributes, cells }, a cell a td's content or a ready td or th. `empty`, if given, is
 * what the one row says when there are no rows.
 */
export function table({ attributes = {}, caption, columns, rows, empty }) {
  return h(
    'table',
    attributes,
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((column) => {
          const [name, extra] = Array.isArray(column) ? column : [column, {}];
          return h('th', { scope: 'col', ...extra }, name);
        }),
      ),
    ),
    h(
      'tbody',
      {},
      rows.length || empty === undefined
        ? rows.map((row) => h('tr', row.attributes ?? {}, row.cells.map(cell)))
        : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty)),
    ),
  );
}
