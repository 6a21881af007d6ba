// Every migration that replaces a function, view or trigger an earlier migration defined says so
// in its header comment (the comment lines it starts with), naming the object: whoever reads
// an earlier file learns from a grep which later file changed what it defines.
//
// Applied migrations are checksummed (src/db/migrate.ts): editing one stops every database that
// ran it. The migrations were squashed once before the first deployment (0.2), so that each
// object has one definition: there is no exception, and a later file that replaces one names it.
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { root } from '../src/paths.ts';

const definition =
  /\bcreate\s+(?:or\s+replace\s+)?(function|procedure|view|materialized\s+view|trigger)\s+((?:"?\w+"?\.)?"?\w+"?)/gi;

/** objects lists what a migration creates: functions and views by qualified name, triggers by name and table. */
function objects(sql: string): { key: string; name: string }[] {
  const code = sql.replace(/--.*$/gm, '');
  const found: { key: string; name: string }[] = [];
  for (const match of code.matchAll(definition)) {
    const kind = (match[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
    const name = (match[2] ?? '').replaceAll('"', '').toLowerCase();
    if (kind === 'trigger') {
      const table = /\bon\s+([\w.]+)/i.exec(
        code.slice(match.index, code.indexOf(';', match.index)),
      );
      found.push({ key: `trigger ${name} on ${table?.[1]?.toLowerCase()}`, name });
    } else found.push({ key: `${kind === 'materialized view' ? 'view' : kind} ${name}`, name });
  }
  return found;
}

/** header is a migration's leading comment block, lower case, without quotes. */
function header(sql: string): string {
  const lines: string[] = [];
  for (const line of sql.split('\n')) {
    if (!line.startsWith('--')) break;
    lines.push(line);
  }
  return lines.join('\n').replaceAll('"', '').toLowerCase();
}

/** mentions says whether a header names an object, qualified or not (a list may share one schema). */
function mentions(head: string, name: string): boolean {
  const bare = name.slice(name.indexOf('.') + 1);
  return head.includes(name) || new RegExp(`(^|[^\\w.])${bare}\\b`).test(head);
}

t.test('a migration names in its header every object it replaces', async (t) => {
  const dir = path.join(root, 'sql');
  const files = (await fs.readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const definedIn = new Map<string, string>();
  const missing: string[] = [];
  for (const file of files) {
    const sql = await fs.readFile(path.join(dir, file), 'utf8');
    const head = header(sql);
    for (const { key, name } of objects(sql)) {
      const earlier = definedIn.get(key);
      if (earlier && earlier !== file && !mentions(head, name))
        missing.push(`${file}: ${key} (from ${earlier})`);
      if (!earlier) definedIn.set(key, file);
    }
  }
  t.ok(definedIn.size > 50, `found the migrations' objects (${definedIn.size})`);
  t.same(missing, [], "replaced objects missing from the replacing migration's header");
});
