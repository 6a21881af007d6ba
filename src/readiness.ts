import type pg from 'pg';
import { pendingMigrations, readMigrations } from './migrate.ts';

/** Readiness is the answer of /readyz: ready only when every check says ok. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, string>;
}

/** ReadinessProbe is one named check: it resolves when healthy and throws saying what is wrong. */
export type ReadinessProbe = () => Promise<void>;

const PROBE_TIMEOUT_MS = 2_000;

/** databaseProbe: Postgres answers a query, and has every migration this code knows. */
export function databaseProbes(pool: pg.Pool): Record<string, ReadinessProbe> {
  const migrations = readMigrations();
  return {
    database: async () => {
      await pool.query('select 1');
    },
    migrations: async () => {
      const pending = await pendingMigrations(pool, await migrations);
      if (pending.length > 0)
        throw new Error(`${pending.length} pending, starting with ${pending[0]?.filename}`);
    },
  };
}

/** checkReadiness runs every probe (each bounded by a timeout) and reports them all. */
export async function checkReadiness(probes: Record<string, ReadinessProbe>): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, string]> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          probe(),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
              PROBE_TIMEOUT_MS,
            );
          }),
        ]);
        return [name, 'ok'];
      } catch (error) {
        return [name, (error as Error).message || String(error)];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  return { ready: entries.every(([, result]) => result === 'ok'), checks };
}
