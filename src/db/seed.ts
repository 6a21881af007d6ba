import type { Kysely } from 'kysely';
import type { Database, UserRole } from './db.ts';

/** SEED_USERS are the development users, with fixed ids so that tokens stay valid across resets. */
export const SEED_USERS: ReadonlyArray<{
  id: string;
  name: string;
  email: string;
  role: UserRole;
  time_zone: string;
  phone: string | null;
}> = [
  {
    id: '00000000-0000-4000-8000-00000000000a',
    name: 'Ada Admin',
    email: 'ada@example.com',
    role: 'admin',
    time_zone: 'UTC',
    phone: null,
  },
  {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Tomás Tutor',
    email: 'tomas@example.com',
    role: 'tutor',
    time_zone: 'Europe/Madrid',
    phone: '+34 600 000 001',
  },
  {
    id: '00000000-0000-4000-8000-000000000002',
    name: 'Tina Tutor',
    email: 'tina@example.com',
    role: 'tutor',
    time_zone: 'America/New_York',
    phone: null,
  },
  {
    id: '00000000-0000-4000-8000-000000000003',
    name: 'Sam Student',
    email: 'sam@example.com',
    role: 'student',
    time_zone: 'Europe/London',
    phone: '+44 7700 900003',
  },
  {
    id: '00000000-0000-4000-8000-000000000004',
    name: 'Sora Student',
    email: 'sora@example.com',
    role: 'student',
    time_zone: 'Asia/Tokyo',
    phone: null,
  },
];

/** seedDevelopmentUsers adds the development users that are missing; it never changes existing rows. */
export async function seedDevelopmentUsers(db: Kysely<Database>): Promise<number> {
  const result = await db
    .insertInto('app_public.users')
    .values(SEED_USERS.map((user) => ({ ...user })))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
