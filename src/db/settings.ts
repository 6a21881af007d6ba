import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from './db.ts';

/**
 * writeSettings copies what the SQL needs (REQUEST_TTL, END_GRACE, REMINDER_LEADS,
 * BOOKING_HORIZON, ...) from the config into app_private.settings, where triggers and functions
 * read them. Every process writes them at startup, so replicas should share one configuration.
 */
export async function writeSettings(db: Kysely<Database>, config: Config): Promise<void> {
  const rows = [
    { name: 'request_ttl', value: config.requestTtl.text },
    { name: 'end_grace', value: config.endGrace.text },
    { name: 'reminder_leads', value: config.reminderLeads.map((lead) => lead.text).join(',') },
    { name: 'reminder_channel', value: config.reminderChannel },
    { name: 'job_history_retention', value: config.jobHistoryRetention.text },
    { name: 'worker_dead_after', value: config.workerDeadAfter.text },
    { name: 'booking_horizon', value: config.bookingHorizon.text },
    { name: 'schedule_misfire_grace', value: config.scheduleMisfireGrace.text },
    { name: 'schedule_min_interval', value: config.scheduleMinInterval.text },
  ];
  await db
    .insertInto('app_private.settings')
    .values(rows)
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: new Date() })),
    )
    .execute();
}
