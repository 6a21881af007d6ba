// docs/alerts.yml is valid Prometheus, and fires when a sweep is overdue (promtool's unit test).
// promtool comes with Debian's prometheus package; without it the test is skipped.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { root } from '../src/paths.ts';

const PROMTOOL = '/usr/bin/promtool';
const run = promisify(execFile);

t.test(
  'the alerting rules check and pass their unit test',
  { skip: !existsSync(PROMTOOL) && 'no promtool' },
  async (t) => {
    const docs = path.join(root, 'docs');
    const check = await run(PROMTOOL, ['check', 'rules', path.join(docs, 'alerts.yml')]);
    t.match(check.stdout, /SUCCESS: 1 rules found/);
    const test = await run(PROMTOOL, ['test', 'rules', path.join(docs, 'alerts.test.yml')]);
    t.match(test.stdout, /SUCCESS/);
  },
);
