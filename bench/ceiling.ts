// Scenario 7: the ceiling: how many single-row insert commits per second this Postgres takes
// (pgbench), to put jobs per second in proportion.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase, table } from './lib.ts';

const run = promisify(execFile);

function pgbenchPath(): string {
  for (const candidate of ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'])
    if (existsSync(candidate)) return candidate;
  return 'pgbench';
}

export async function ceiling(jobsPerSecond: number | undefined): Promise<string> {
  const db = await freshDatabase();
  const script = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'pgbench-')), 'insert.sql');
  try {
    await db.pool.query(
      'create table bench_ceiling (id bigint generated always as identity primary key, v int not null)',
    );
    await fs.writeFile(script, 'insert into bench_ceiling (v) values (1);\n');
    const { stdout } = await run(pgbenchPath(), [
      '-n',
      '-c',
      '8',
      '-j',
      '2',
      '-T',
      '10',
      '-f',
      script,
      db.url,
    ]);
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
    const rows: Array<Array<string | number>> = [['pgbench: single-row insert, 8 clients', tps]];
    if (jobsPerSecond !== undefined)
      rows.push(['schoolbell reminders (scenario 3)', jobsPerSecond]);
    let md = table(
      '7. The ceiling: commits per second on the same server',
      ['what', 'per second'],
      rows,
    );
    if (jobsPerSecond !== undefined) {
      const line = `schoolbell delivers reminders at ${((jobsPerSecond / tps) * 100).toFixed(1)}% of the single-row commit ceiling (each reminder commits several times: fetch, outbox, complete, history)`;
      console.log(`  ${line}`);
      md += `\n- ${line}\n`;
    }
    return md;
  } finally {
    await db.drop();
    await fs.rm(path.dirname(script), { recursive: true, force: true });
  }
}
