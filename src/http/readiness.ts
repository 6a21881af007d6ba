import type pg from 'pg';
import { pendingMigrations, readMigrations } from '../db/migrate.ts';
import { sweepLateness } from '../db/queries.ts';

/** Readiness is the answer of /readyz: ready only when every check says ok. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, string>;
}

/** ReadinessProbe is one named check: it resolves when healthy and throws saying what is wrong. */
export type ReadinessProbe = () => Promise<void>;

const PROBE_TIMEOUT_MS = 2_000;

/** databaseProbes: Postgres answers a query, and has every migration this code knows. */
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

/** SWEEP_OVERDUE_LIMIT_SECONDS is how far past its schedule a sweep may fall before `sweeps` fails. */
export const SWEEP_OVERDUE_LIMIT_SECONDS = 300;

/**
 * sweepsProbe fails while a crontab sweep is more than SWEEP_OVERDUE_LIMIT_SECONDS past its
 * schedule (app_private.sweep_status), naming it: a sweep whose ticks fold into one pending
 * job looks a minute late at most in the job views, however long it has waited.
 */
export function sweepsProbe(pool: pg.Pool): ReadinessProbe {
  return async () => {
    const late = (await sweepLateness(pool)).filter(
      (sweep) => sweep.overdue_seconds > SWEEP_OVERDUE_LIMIT_SECONDS,
    );
    if (late.length > 0) {
      throw new Error(
        `overdue: ${late.map((sweep) => `${sweep.sweep} by ${Math.round(sweep.overdue_seconds)} s`).join(', ')}`,
      );
    }
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
