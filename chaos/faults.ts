// The fault schedule: one fault (or two together) at a time, each lifted after a while, then
// the time until the cluster has caught up is measured before the next one comes.
import type { Cluster, Replica } from './cluster.ts';
import type { Random } from './load.ts';

/** FaultKind is what a fault does. */
export type FaultKind = 'kill-worker' | 'kill-server' | 'restart-postgres' | 'cut-connection';

/** FAULT_KINDS lists every kind, in the order a run first meets them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'kill-worker',
  'restart-postgres',
  'cut-connection',
  'kill-server',
];

/** Fault is one entry of the fault log; times are epoch milliseconds. */
export interface Fault {
  readonly n: number;
  readonly kinds: FaultKind[];
  /** what names the processes or connections it hit. */
  readonly what: string[];
  readonly startedAt: number;
  /** liftedAt: everything killed was started again, the connection restored. */
  liftedAt: number;
  /** recoveredAt: every replica ready again and nothing overdue (undefined: never, within the limit). */
  recoveredAt: number | undefined;
}

/** Health says whether the cluster has caught up: every replica ready, nothing overdue. */
export type Health = () => Promise<boolean>;

/**
 * runFaults injects faults from `from` until `until` (epoch ms), one 10 to 30 seconds after
 * the last has recovered; every fourth or so is two faults at once. The first ones go
 * through every kind, so that even a short run meets each.
 */
export async function runFaults(options: {
  cluster: Cluster;
  random: Random;
  from: number;
  until: number;
  healthy: Health;
  log: (fault: Fault) => void;
}): Promise<Fault[]> {
  const { cluster, random, healthy } = options;
  const between = (low: number, high: number) => low + random() * (high - low);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const sleepUntil = (at: number) =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
  const faults: Fault[] = [];

  await sleepUntil(options.from);
  while (Date.now() < options.until) {
    const n = faults.length;
    const first = FAULT_KINDS[n] ?? pick(FAULT_KINDS);
    const kinds: FaultKind[] = [first];
    if (n >= FAULT_KINDS.length && random() < 0.25) {
      const second = pick(FAULT_KINDS.filter((kind) => kind !== first));
      kinds.push(second);
    }
    const what: string[] = [];
    const startedAt = Date.now();
    await Promise.all(kinds.map((kind) => inject(kind, cluster, what, between, pick)));
    const fault: Fault = {
      n: n + 1,
      kinds,
      what,
      startedAt,
      liftedAt: Date.now(),
      recoveredAt: undefined,
    };
    faults.push(fault);
    // Recovery: checked every quarter second, for up to five minutes.
    const limit = Date.now() + 300_000;
    while (Date.now() < limit) {
      if (await healthy()) {
        fault.recoveredAt = Date.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    options.log(fault);
    await sleepUntil(Date.now() + between(10, 30) * 1000);
  }
  return faults;
}

/** inject does one fault and lifts it: the victim is started again, the connection restored. */
async function inject(
  kind: FaultKind,
  cluster: Cluster,
  what: string[],
  between: (low: number, high: number) => number,
  pick: <T>(list: readonly T[]) => T,
): Promise<void> {
  const downFor = (low: number, high: number) =>
    new Promise((resolve) => setTimeout(resolve, between(low, high) * 1000));
  const killAndRestart = async (replica: Replica, low: number, high: number) => {
    what.push(`SIGKILL ${replica.name}`);
    await replica.kill();
    await downFor(low, high);
    await replica.start();
  };
  switch (kind) {
    case 'kill-worker':
      return killAndRestart(pick(cluster.workers), 2, 15);
    case 'kill-server':
      return killAndRestart(pick(cluster.servers), 2, 8);
    case 'restart-postgres':
      what.push('PostgreSQL crashed (immediate shutdown) and restarted');
      await cluster.database.crash();
      await downFor(2, 8);
      await cluster.database.start();
      return;
    case 'cut-connection':
      what.push(`${cluster.proxied.name}'s database connection cut`);
      await cluster.proxy.cut();
      await downFor(10, 30);
      await cluster.proxy.restore();
      return;
  }
}
