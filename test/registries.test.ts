// Every shared name has one spelling in TypeScript, and it agrees with the SQL that defines the
// thing and the README that documents it: the settings registry with the settings rows sql/
// seeds and the README's configuration tables.
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { parseConfig } from '../src/config.ts';
import { SETTINGS, type Setting } from '../src/db/settings.ts';
import { root } from '../src/paths.ts';
import { createTestDatabase } from './helpers/database.ts';

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
