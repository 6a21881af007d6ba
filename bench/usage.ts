// node bench/usage.ts [seconds]: samples every running `schoolbell` process of this checkout
// (`src/cli.ts <role>`) and the benchmark runner (`bench/run.ts`) once a second, for `seconds`
// (default 600) or until interrupted, and prints per process: its role, its RSS (MiB, median
// and peak), its CPU in cores (median, p95 and peak of one-second samples), the CPU seconds it
// used while sampled, the most Postgres connections it held at once, and the CPU seconds the
// Postgres backends serving those connections used. Run it beside `npm run bench --
// <scenario>`: dividing what the scenario did (jobs, requests) by those CPU seconds gives
// per-core figures that hold on a machine other work shares (docs/capacity.md says which runs).
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { root } from '../src/paths.ts';
import { cpuSeconds, format, rssMiB, sleep, table } from './lib.ts';

/** What is known of one sampled process. */
interface Sampled {
  role: string;
  rss: number[];
  cores: number[];
  firstCpu?: number;
  lastCpu?: number;
  lastAt?: number;
  mostConnections: number;
  /** backends are the CPU seconds of each Postgres backend serving it: at first sight, last. */
  backends: Map<number, { first: number; last: number }>;
}

const cli = path.join(root, 'src', 'cli.ts');
const runner = path.join(root, 'bench', 'run.ts');
const POSTGRES_PORT = 5432;

/** ours finds the processes of this checkout to sample, by pid, with their role. */
async function ours(): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf(cli);
    if (at >= 0 && args[at + 1]) found.set(Number(entry), args[at + 1] as string);
    else if (
      args.includes(runner) ||
      (args.includes('bench/run.ts') &&
        (await readlink(`/proc/${entry}/cwd`).catch(() => '')) === root)
    )
      found.set(Number(entry), 'bench (bench/run.ts)');
  }
  return found;
}

/** postgresPorts maps each socket inode connected to Postgres's port to its local port. */
async function postgresPorts(): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1]?.split(':')[1];
      const remote = fields[2]?.split(':')[1];
      const inode = fields[9];
      if (local && remote && inode && Number.parseInt(remote, 16) === POSTGRES_PORT)
        ports.set(inode, Number.parseInt(local, 16));
    }
  }
  return ports;
}

/** clientPorts lists the local ports of a process's connections to Postgres. */
async function clientPorts(pid: number, ports: Map<string, number>): Promise<number[]> {
  const found: number[] = [];
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const port = ports.get(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '');
    if (port !== undefined) found.push(port);
  }
  return found;
}

/** backendsByClientPort maps a client's port to the pid of the Postgres backend serving it. */
async function backendsByClientPort(): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const port = /^postgres: .*\((\d+)\)/.exec(argv)?.[1];
    if (port) found.set(Number(port), Number(entry));
  }
  return found;
}

/** quantile reads the q-quantile of a list of numbers (nearest rank). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

const seconds = Number(process.argv[2] ?? 600);
const sampled = new Map<number, Sampled>();
let stop = false;
process.on('SIGINT', () => {
  stop = true;
});
process.on('SIGTERM', () => {
  stop = true;
});
const until = Date.now() + seconds * 1000;
let firstRound = true;
while (!stop && Date.now() < until) {
  const [processes, ports, backends] = await Promise.all([
    ours(),
    postgresPorts(),
    backendsByClientPort(),
  ]);
  for (const [pid, role] of processes) {
    const s: Sampled = sampled.get(pid) ?? {
      role,
      rss: [],
      cores: [],
      mostConnections: 0,
      backends: new Map(),
    };
    sampled.set(pid, s);
    try {
      const [rss, cpu, connected] = await Promise.all([
        rssMiB(pid),
        cpuSeconds(pid),
        clientPorts(pid, ports),
      ]);
      const now = performance.now();
      s.rss.push(rss);
      if (s.lastCpu !== undefined && s.lastAt !== undefined)
        s.cores.push((cpu - s.lastCpu) / ((now - s.lastAt) / 1000));
      s.firstCpu ??= cpu;
      s.lastCpu = cpu;
      s.lastAt = now;
      s.mostConnections = Math.max(s.mostConnections, connected.length);
      for (const port of connected) {
        const backend = backends.get(port);
        if (backend === undefined) continue;
        const used = await cpuSeconds(backend).catch(() => undefined);
        if (used === undefined) continue;
        // A backend first seen after the first round was born while sampled: count it all.
        const known = s.backends.get(backend) ?? { first: firstRound ? used : 0, last: used };
        known.last = used;
        s.backends.set(backend, known);
      }
    } catch {
      // The process ended between the listing and the reads.
    }
  }
  firstRound = false;
  await sleep(1000);
}

const rows = [...sampled].map(([pid, s]) => {
  let backendCpu = 0;
  for (const { first, last } of s.backends.values()) backendCpu += last - first;
  return [
    String(pid),
    s.role,
    String(s.rss.length),
    format(quantile(s.rss, 0.5)),
    format(Math.max(...s.rss)),
    format(quantile(s.cores, 0.5)),
    format(quantile(s.cores, 0.95)),
    format(Math.max(...s.cores)),
    format((s.lastCpu ?? 0) - (s.firstCpu ?? 0)),
    String(s.mostConnections),
    format(backendCpu),
  ];
});
console.log(
  table(
    'Usage of each process while sampled, one sample a second',
    [
      'pid',
      'role',
      'samples',
      'RSS p50 MiB',
      'RSS max MiB',
      'cores p50',
      'cores p95',
      'cores max',
      'CPU s',
      'most connections',
      'its backends CPU s',
    ],
    rows,
  ),
);
