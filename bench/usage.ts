// node bench/usage.ts [seconds]: samples every running `schoolbell` process of this checkout
// (`src/cli.ts <role>`) once a second, for `seconds` (default 600) or until interrupted, and
// prints per process its role, peak and median RSS (MiB) and its CPU in cores (median, p95 and
// peak over one-second samples, and its mean over its life); and the most connections each pool
// (`application_name` `schoolbell <pool>`, the benchmark's own left out) held at once on the
// benchmarks' databases (`schoolbell_bench_*`);
// and the machine's busy cores (/proc/stat) and those of the Postgres backends serving the
// benchmarks' databases (`schoolbell_bench_*`, named in each backend's command line; the
// cluster's shared processes, WAL writer and checkpointer, left out), so what each side used
// can be told apart on a machine that other work shares. Run it beside `npm run bench -- <scenario>` to size a
// container's requests and limits from a real load (docs/capacity.md says which runs).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { root } from '../src/paths.ts';
import { cpuSeconds, format, rssMiB, serverUrl, sleep, table } from './lib.ts';

interface Samples {
  role: string;
  rss: number[];
  cores: number[];
  firstCpu?: number;
  firstAt?: number;
  lastCpu?: number;
  lastAt?: number;
}

const cli = path.join(root, 'src', 'cli.ts');

/** roles finds the processes running this checkout's CLI, by pid, with their role. */
async function roles(): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = argv.split('\0');
    const at = args.indexOf(cli);
    if (at >= 0 && args[at + 1]) found.set(Number(entry), args[at + 1] as string);
  }
  return found;
}

/** machineBusy reads the machine's busy CPU time so far (all but idle and iowait), in seconds. */
async function machineBusy(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] as string;
  const ticks = line.split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / 100;
}

/** postgresCpu reads the CPU time of each backend serving a benchmark database, in seconds. */
async function postgresCpu(): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!/^postgres: .* schoolbell_bench_\w+ /.test(argv)) continue;
    const cpu = await cpuSeconds(Number(entry)).catch(() => undefined);
    if (cpu !== undefined) found.set(Number(entry), cpu);
  }
  return found;
}

/** quantile reads the q-quantile of a list of numbers (nearest rank). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** connections counts the open connections of each schoolbell pool to the bench databases. */
async function connections(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ pool: string; count: number }>(
    `select application_name as pool, count(*)::int as count from pg_stat_activity
     where application_name like 'schoolbell %' and application_name <> 'schoolbell bench'
       and datname like 'schoolbell_bench_%'
     group by application_name`,
  );
  return new Map(rows.map((row) => [row.pool, row.count]));
}

const seconds = Number(process.argv[2] ?? 600);
const processes = new Map<number, Samples>();
const mostConnections = new Map<string, number>();
const machine: number[] = [];
const postgres: number[] = [];
let lastMachine: number | undefined;
let lastPostgres = new Map<number, number>();
let lastTick: number | undefined;
const client = new pg.Client({ connectionString: serverUrl, application_name: 'usage sampler' });
await client.connect();
let stop = false;
process.on('SIGINT', () => {
  stop = true;
});
process.on('SIGTERM', () => {
  stop = true;
});
const until = Date.now() + seconds * 1000;
while (!stop && Date.now() < until) {
  for (const [pid, role] of await roles()) {
    const samples = processes.get(pid) ?? { role, rss: [], cores: [] };
    processes.set(pid, samples);
    try {
      const [rss, cpu] = await Promise.all([rssMiB(pid), cpuSeconds(pid)]);
      const now = performance.now();
      samples.rss.push(rss);
      if (samples.lastCpu !== undefined && samples.lastAt !== undefined)
        samples.cores.push((cpu - samples.lastCpu) / ((now - samples.lastAt) / 1000));
      samples.firstCpu ??= cpu;
      samples.firstAt ??= now;
      samples.lastCpu = cpu;
      samples.lastAt = now;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  // Postgres: the CPU each of its processes used since the last sample (a backend that started
  // meanwhile counts from zero; one that ended since is lost, which the machine's total shows).
  const [busy, pgNow] = await Promise.all([machineBusy(), postgresCpu()]);
  const tick = performance.now();
  if (lastMachine !== undefined && lastTick !== undefined) {
    const elapsed = (tick - lastTick) / 1000;
    machine.push((busy - lastMachine) / elapsed);
    let used = 0;
    for (const [pid, cpu] of pgNow) used += cpu - (lastPostgres.get(pid) ?? 0);
    postgres.push(used / elapsed);
  }
  lastMachine = busy;
  lastPostgres = pgNow;
  lastTick = tick;
  for (const [pool, count] of await connections(client))
    mostConnections.set(pool, Math.max(count, mostConnections.get(pool) ?? 0));
  await sleep(1000);
}
await client.end();

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const coreRow = (pid: string, role: string, cores: number[]) => [
  pid,
  role,
  String(cores.length),
  '',
  '',
  format(quantile(cores, 0.5)),
  format(quantile(cores, 0.95)),
  format(Math.max(...cores)),
  format(mean(cores)),
];
const rows = [...processes].map(([pid, s]) => [
  String(pid),
  s.role,
  String(s.rss.length),
  format(quantile(s.rss, 0.5)),
  format(Math.max(...s.rss)),
  format(quantile(s.cores, 0.5)),
  format(quantile(s.cores, 0.95)),
  format(Math.max(...s.cores)),
  format(((s.lastCpu ?? 0) - (s.firstCpu ?? 0)) / (((s.lastAt ?? 0) - (s.firstAt ?? 0)) / 1000)),
]);
rows.push(coreRow('', 'postgres (backends of the bench databases)', postgres));
rows.push(coreRow('', 'the whole machine', machine));
console.log(
  table(
    `Usage of each schoolbell process over ${Math.max(0, ...[...processes.values()].map((s) => s.rss.length))} one-second samples`,
    [
      'pid',
      'role',
      'samples',
      'RSS p50 MiB',
      'RSS max MiB',
      'cores p50',
      'cores p95',
      'cores max',
      'cores mean',
    ],
    rows,
  ),
);
console.log(
  table(
    'Most connections each pool held at once (pg_stat_activity, whole cluster)',
    ['pool', 'connections'],
    [...mostConnections].map(([pool, count]) => [pool, String(count)]),
  ),
);
