import type { ScheduleKind } from './kind.ts';
import dailyAgenda from './kinds/daily_agenda.ts';
import notifyUser from './kinds/notify_user.ts';

/**
 * SCHEDULE_KINDS are the only task kinds a schedule may run, by name; app_private.schedule_kinds
 * lists the same names (a test keeps them equal), so the database refuses any other kind too.
 */
export const SCHEDULE_KINDS: ReadonlyMap<string, ScheduleKind> = new Map(
  [notifyUser, dailyAgenda].map((kind) => [kind.name, kind as unknown as ScheduleKind]),
);
