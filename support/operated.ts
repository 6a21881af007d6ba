import type pg from 'pg';
import { createTestPool } from './database.ts';
import { serve, type Teardown } from './processes.ts';
import { startWebhookReceiver, type WebhookCall } from './receivers.ts';

/** OperatedService is a `schoolbell start` on a database of its own, with a webhook gateway to break. */
export interface OperatedService {
  readonly pool: pg.Pool;
  readonly url: string;
  readonly base: string;
  readonly calls: WebhookCall[];
  /** gateway(true) makes the webhook gateway answer 200; it answers 503 until then. */
  gateway(up: boolean): void;
}

/**
 * serveOperated starts the service operators look at in these tests: every notification gets
 * one attempt (NOTIFICATION_MAX_ATTEMPTS=1), so a down gateway leaves failed jobs to find.
 */
export async function serveOperated(t: Teardown, jwtSecret: string): Promise<OperatedService> {
  const { pool, ...db } = await createTestPool(t, 6);
  let up = false;
  const receiver = await startWebhookReceiver(t, { status: () => (up ? 200 : 503) });
  const { base } = await serve(t, 'start', {
    DATABASE_URL: db.url,
    JWT_SECRET: jwtSecret,
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: 'operated-webhook-secret',
    NOTIFICATION_MAX_ATTEMPTS: '1',
  });
  return {
    pool,
    url: db.url,
    base,
    calls: receiver.calls,
    gateway(value) {
      up = value;
    },
  };
}
