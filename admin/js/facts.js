// One facts-list builder: a thing's fields as a definition list.

import { h } from './dom.js';

/** facts builds the list from [name, value] pairs; with `named`, each dd says its data-field. */
export function facts(pairs, { named = false } = {}) {
  return h(
    'dl',
    { class: 'facts panel' },
    pairs.flatMap(([name, value]) => [
      h('dt', {}, name),
      h('dd', named ? { 'data-field': name } : {}, value),
    ]),
  );
}
