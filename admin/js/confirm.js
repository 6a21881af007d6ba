// One confirm-and-mutate helper: every action asks first, runs its mutation, says what
// happened and re-renders the view.

import { gql } from './api.js';
import { h, readDate } from './dom.js';
import { STALE, say } from './page.js';

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

/**
 * mutate asks `question`; on yes it runs `mutation` with `variables`, says `done(data)` (the
 * message for the mutation's result) and awaits `after()` (the view again).
 */
export async function mutate({ question, label, mutation, variables, done, after }) {
  if (!(await confirmAction(question, label))) return;
  try {
    say(`${label}…`);
    const data = await gql(mutation, variables);
    say(done(data), 'done');
    await after();
  } catch (error) {
    if (error !== STALE) say(`${label} failed: ${error.message}`, 'error');
  }
}

/** confirmButton is a button that runs mutate() with `action` when clicked. */
export function confirmButton(attributes, action) {
  return h(
    'button',
    { type: 'button', ...attributes, onclick: () => mutate(action) },
    action.label,
  );
}

/**
 * confirmAtButton is a button that reads the time chosen in `input` (a datetime-local) and runs
 * mutate() with `action(runAt)`, runAt as an ISO string; with no time chosen it says so.
 */
export function confirmAtButton(input, label, action) {
  return h(
    'button',
    {
      type: 'button',
      onclick: () => {
        const chosen = readDate(input.value);
        if (!chosen) return say('Choose a time to reschedule to.', 'error');
        mutate(action(chosen.toISOString()));
      },
    },
    label,
  );
}
