// Every shared name has one spelling in TypeScript, and it agrees with the SQL that defines the
// thing and the README that documents it: the settings registry with the settings rows sql/
// seeds and the README's configuration tables; the error codes with the README's Errors tables
// and the codes our SQL raises; the lists of enum labels with the SQL enums.
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { parseConfig } from '../src/config.ts';
import {
  BOOKING_STATES,
  JOB_OUTCOMES,
  JOB_STATES,
  NOTIFICATION_CHANNELS,
  USER_ROLES,
} from '../src/db/db.ts';
import { ERROR_CODES, type ErrorCode, errorCodes } from '../src/db/errors.ts';
import { SETTINGS, type Setting } from '../src/db/settings.ts';
import { root } from '../src/paths.ts';
import { createTestDatabase } from '../support/database.ts';

const db = await createTestDatabase(t);
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
t.teardown(() => pool.end());

const readme = await fs.readFile(path.join(root, 'README.md'), 'utf8');

/** tableRows returns the cells of every Markdown table row of a text, by its first cell. */
function tableRows(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('|---')) continue;
    const cells = line
      .slice(2, -2)
      .split(' | ')
      .map((cell) => cell.trim());
    rows.set(cells[0] as string, cells.slice(1));
  }
  return rows;
}

const settings = Object.entries(SETTINGS as Record<string, Setting<unknown>>);

t.test('the settings registry, the SQL seed and the README agree', async (t) => {
  // A database no process has written to holds the seed of sql/.
  const { rows } = await pool.query<{ name: string; value: string }>(
    'select name, value from app_private.settings order by name',
  );
  t.same(
    Object.fromEntries(rows.map((row) => [row.name, row.value])),
    Object.fromEntries(settings.map(([name, spec]) => [name, spec.default])),
    'sql/ seeds one row per setting, with the registry’s default',
  );

  const readmeRows = tableRows(readme);
  for (const [name, spec] of settings) {
    const key = spec.variable === undefined ? `\`${name}\`` : `\`${spec.variable}\``;
    t.same(
      readmeRows.get(key),
      [`\`${spec.default}\``, spec.meaning],
      `the README documents ${key}`,
    );
    t.equal(
      spec.text(spec.parse.parse(spec.default)),
      spec.default,
      `${name}'s default reads back`,
    );
  }

  // What a process writes: every setting a variable sets, as text, by default the seed.
  const written = parseConfig({}).settings;
  t.same(
    written.map((row) => row.name),
    settings.filter(([, spec]) => spec.variable !== undefined).map(([name]) => name),
  );
  for (const row of written) t.equal(row.value, SETTINGS[row.name].default, row.name);
  t.notOk(
    written.some((row) => row.name === 'booking_timers'),
    'booking_timers is the operator’s: no process writes it',
  );
});

t.test('the error codes, the README and the SQL agree', async (t) => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  for (const code of errorCodes('request')) t.match(code, /^[A-Z]{5}$/, code);
  for (const code of errorCodes('domain')) t.match(code, /^[A-Z]{5}$/, `${code} is a SQLSTATE`);

  // The README's Errors section: its tables list each code once, exactly these.
  const section = readme.slice(
    readme.indexOf('### Errors'),
    readme.indexOf('\n## ', readme.indexOf('### Errors')),
  );
  const listed = [...section.matchAll(/^\| `([A-Z]+)` \|(?: (\d{3}) \|)?/gm)];
  t.same(
    listed.map((match) => match[1]).sort(),
    [...codes].sort(),
    'the README lists every code once, and no other',
  );
  for (const [, code, status] of listed) {
    const spec = ERROR_CODES[code as ErrorCode] as { kind: string; status?: number };
    if (spec.kind === 'request') t.equal(Number(status), spec.status, `${code}'s status`);
  }

  // Our SQL raises the domain codes, and no other of its own.
  const sqlDir = path.join(root, 'sql');
  const raised = new Set<string>();
  for (const file of await fs.readdir(sqlDir)) {
    const text = await fs.readFile(path.join(sqlDir, file), 'utf8');
    for (const match of text.matchAll(/errcode\s*=\s*'([^']+)'/gi)) raised.add(match[1] as string);
  }
  t.same([...raised].sort(), errorCodes('domain').sort(), 'sql/ raises exactly the domain codes');
});

t.test('each list of enum labels is its SQL enum, in its order', async (t) => {
  const lists: Record<string, readonly string[]> = {
    user_role: USER_ROLES,
    booking_state: BOOKING_STATES,
    job_state: JOB_STATES,
    job_outcome: JOB_OUTCOMES,
    notification_channel: NOTIFICATION_CHANNELS,
  };
  for (const [type, list] of Object.entries(lists)) {
    const { rows } = await pool.query<{ labels: string[] }>(
      `select array_agg(e.enumlabel::text order by e.enumsortorder) as labels
         from pg_enum e join pg_type ty on ty.oid = e.enumtypid
         join pg_namespace n on n.oid = ty.typnamespace
        where n.nspname = 'app_public' and ty.typname = $1`,
      [type],
    );
    t.same(rows[0]?.labels, list, `app_public.${type}`);
  }
});
