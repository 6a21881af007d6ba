import { existsSync } from 'node:fs';
import path from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** root is the directory holding package.json, whether we run from src/ or from dist/src/. */
export const root = findRoot(import.meta.dirname);

/** sqlDir holds the numbered migrations. */
export const sqlDir = path.join(root, 'sql');

/** crontabPath is the crontab that schedules the sweeps and housekeeping. */
export const crontabPath = path.join(root, 'crontab');

/** adminDir holds the admin page's static files. */
export const adminDir = path.join(root, 'admin');
