import type pg from 'pg';
import type { z } from 'zod';
import type { UserRole } from '../db/db.ts';
import type { ScheduleRow } from '../db/queries.ts';

/** Actor is who asks for a schedule change: a signed-in user (an agent holds an admin's token). */
export interface Actor {
  readonly id: string;
  readonly role: UserRole;
}

/** KindRun is what a kind's action gets: the schedule, its parsed payload and the occurrence. */
export interface KindRun<Payload> {
  readonly schedule: ScheduleRow;
  readonly payload: Payload;
  /** occurrence is the scheduled instant being run (the latest, when missed ones coalesced). */
  readonly occurrence: Date;
}

/**
 * ScheduleKind is a task kind that may be scheduled at runtime: one file in src/schedules/kinds/,
 * with its payload schema, who may schedule it, and its action. Every payload names the user
 * the schedule concerns as `userId` (app_public.schedules.user_id, which row-level security
 * reads).
 */
export interface ScheduleKind<
  Schema extends z.ZodType<{ userId: string }> = z.ZodType<{ userId: string }>,
> {
  readonly name: string;
  readonly payload: Schema;
  /** mayCreate says whether the actor may schedule (or change) this kind with this payload. */
  mayCreate(actor: Actor, payload: z.output<Schema>): boolean;
  /**
   * run enqueues the kind's work in the caller's transaction (run_schedule's): it must not talk
   * to the outside world itself, so that a rolled-back run leaves nothing behind.
   */
  run(client: pg.ClientBase, run: KindRun<z.output<Schema>>): Promise<void>;
}

/** defineKind declares a schedule kind; it only gives the definition its types. */
export function defineKind<Schema extends z.ZodType<{ userId: string }>>(
  kind: ScheduleKind<Schema>,
): ScheduleKind<Schema> {
  return kind;
}
