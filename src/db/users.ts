import type { Kysely } from 'kysely';
import type { Database, UserRole } from './db.ts';

/** findUserRole returns a user's id and role, or undefined when there is no such user. */
export async function findUserRole(
  db: Kysely<Database>,
  id: string,
): Promise<{ id: string; role: UserRole } | undefined> {
  return db
    .selectFrom('app_public.users')
    .select(['id', 'role'])
    .where('id', '=', id)
    .executeTakeFirst();
}
