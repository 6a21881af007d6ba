// npm run bench [-- <scenario> ...]: runs the benchmarks against fresh databases on the
// configured Postgres (TEST_DATABASE_URL, else DATABASE_URL, else 127.0.0.1:5432/test), prints
// each table and its ratio; with BENCH_WRITE=1 (or --write) writes docs/benchmarks.md.
import fs from 'node:fs/promises';
import path from 'node:path';
import { root } from '../src/paths.ts';
import { abuse } from './abuse.ts';
import { enqueue, reads } from './api.ts';
import { backlog } from './backlog.ts';
import { burst } from './burst.ts';
import { ceiling } from './ceiling.ts';
import { fanout } from './fanout.ts';
import { idle } from './idle.ts';
import { lateness } from './lateness.ts';
import { machine, serverUrl } from './lib.ts';
import { outcomes } from './outcomes.ts';
import { schedules } from './schedules.ts';
import { sweeps } from './sweeps.ts';
import { throughput } from './throughput.ts';

const ALL = [
  'lateness',
  'idle',
  'burst',
  'sweep',
  'backlog',
  'throughput',
  'enqueue',
  'reads',
  'abuse',
  'memory',
  'ceiling',
  'schedules',
  'fanout',
  'outcomes',
] as const;
const args = process.argv.slice(2);
const write = args.includes('--write') || process.env.BENCH_WRITE === '1';
const chosen = args.filter((arg) => !arg.startsWith('--'));
for (const name of chosen) {
  if (!(ALL as readonly string[]).includes(name)) {
    console.error(`unknown scenario "${name}"; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
}
const wanted = new Set(chosen.length ? chosen : ALL);

console.log(`schoolbell benchmarks on ${machine()}`);
console.log(`Postgres: ${new URL(serverUrl).host}`);
const sections: string[] = [];
const timed = async (name: string, fn: () => Promise<string>) => {
  const started = Date.now();
  console.log(`\n== ${name}`);
  sections.push(await fn());
  console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
};

let jobsPerSecond: number | undefined;
if (wanted.has('lateness')) await timed('lateness', lateness);
if (wanted.has('idle')) await timed('idle', idle);
if (wanted.has('burst')) await timed('burst', burst);
if (wanted.has('sweep')) await timed('sweep', sweeps);
if (wanted.has('backlog')) await timed('backlog', backlog);
if (wanted.has('throughput') || wanted.has('memory')) {
  await timed('throughput and memory', async () => {
    const result = await throughput();
    jobsPerSecond = result.jobsPerSecond;
    return `${wanted.has('throughput') ? result.markdown : ''}\n${wanted.has('memory') ? result.memoryMarkdown : ''}`;
  });
}
if (wanted.has('enqueue')) await timed('enqueue', enqueue);
if (wanted.has('reads')) await timed('reads', reads);
if (wanted.has('abuse')) await timed('abuse', abuse);
if (wanted.has('ceiling')) await timed('ceiling', () => ceiling(jobsPerSecond));
if (wanted.has('schedules')) await timed('schedules', schedules);
if (wanted.has('fanout')) await timed('fanout', fanout);
if (wanted.has('outcomes')) await timed('outcomes', outcomes);

if (write) {
  const { rows } = await (await import('./lib.ts')).freshDatabase().then(async (db) => {
    const version = await db.pool.query<{ version: string }>('select version()');
    await db.drop();
    return version;
  });
  const doc = `# Benchmarks

One full run of \`npm run bench\`, ${new Date().toISOString().slice(0, 10)}, on ${machine()};
${rows[0]?.version}, the machine's own server at ${new URL(serverUrl).host}. Everything ran on
the same two cores: the service, the load generators and Postgres. Each scenario compares
with its anchor measured in the same run; timings on this machine are noisy, ratios less so.

${sections.join('\n')}`;
  await fs.writeFile(path.join(root, 'docs', 'benchmarks.md'), doc);
  console.log('\nwrote docs/benchmarks.md');
}
