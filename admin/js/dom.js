// DOM helpers: h() builds every element, so nothing from the server is ever parsed as HTML;
// badge, when and seconds show values the way every view shows them.

/** h builds an element: h('td', { class: 'num' }, '3'). Children are nodes or text. */
export function h(tag, attributes = {}, ...children) {
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

// GraphQL spells enum values in upper case; the page shows them (and names its classes and data
// attributes) in lower case.
export function badge(value) {
  const shown = String(value ?? '').toLowerCase();
  return h('span', { class: `badge ${shown}` }, shown);
}

// Postgres stores times JavaScript cannot read (the year 10000 as "10000-01-01T...", 'infinity',
// BC dates): such a time is shown as Postgres wrote it, never breaking the view around it.
export function readDate(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function when(value) {
  if (!value) return '—';
  const date = readDate(value);
  if (!date) return h('span', { class: 'raw-time', title: String(value) }, String(value));
  return h(
    'time',
    { datetime: date.toISOString(), title: date.toISOString() },
    date.toLocaleString(),
  );
}

export function seconds(value) {
  if (value === null || value === undefined) return '—';
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 120) return `${value.toFixed(1)} s`;
  return `${Math.round(value / 60)} min`;
}

/** toLocalInput is a time as a datetime-local input's value ('' for one it cannot show). */
export function toLocalInput(value) {
  const date = value ? readDate(value) : null;
  if (!date || date.getFullYear() > 9999 || date.getFullYear() < 1) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
