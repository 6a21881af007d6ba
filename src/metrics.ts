import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { queueDepth, sweepLateness } from './db/queries.ts';

/** Metrics is one process's Prometheus registry and the instruments the service feeds. */
export interface Metrics {
  readonly registry: Registry;
  readonly jobs: Counter<'task' | 'outcome'>;
  readonly jobDuration: Histogram<'task'>;
  readonly jobLateness: Histogram<'task'>;
  readonly cronTicks: Counter<'task'>;
  readonly graphqlRequests: Counter<'outcome' | 'status'>;
  readonly graphqlDuration: Histogram<'status'>;
}

/**
 * createMetrics makes the registry served at /metrics: process metrics, job outcomes, durations
 * and lateness, cron ticks, GraphQL requests and latency, and the queue depth by task and state
 * and each sweep's lateness (read from Postgres when scraped, so every replica reports the same
 * queue).
 */
export function createMetrics(pool: pg.Pool): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'schoolbell_' });
  // Three of prom-client's defaults are gauges named `..._total`, which Prometheus reserves for
  // counters (`promtool check metrics` fails on them). Each is the sum of a gauge by type that
  // stays (schoolbell_nodejs_active_handles{type}, ...), so nothing is lost by dropping them.
  for (const name of UNCOUNTED_TOTALS) registry.removeSingleMetric(name);
  const registers = [registry];
  new Gauge({
    name: 'schoolbell_queue_jobs',
    help: 'Jobs in the queue by task and state (scheduled, due, running, retrying, failed).',
    labelNames: ['task', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const row of await queueDepth(pool))
        this.set({ task: row.task, state: row.state }, row.count);
    },
  });
  new Gauge({
    name: 'schoolbell_sweep_overdue_seconds',
    help: 'How long each crontab sweep has waited past its schedule, even when its ticks fold into one job (0 when on time; read from app_private.sweep_status at scrape time).',
    labelNames: ['task'],
    registers,
    async collect() {
      this.reset();
      for (const row of await sweepLateness(pool))
        this.set({ task: row.sweep }, row.overdue_seconds);
    },
  });
  return {
    registry,
    jobs: new Counter({
      name: 'schoolbell_jobs_total',
      help: 'Jobs this process finished, by task and outcome (success, error, failed).',
      labelNames: ['task', 'outcome'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'schoolbell_job_duration_seconds',
      help: 'How long jobs ran, by task.',
      labelNames: ['task'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    jobLateness: new Histogram({
      name: 'schoolbell_job_lateness_seconds',
      help: 'How long after its run_at a job started, by task.',
      labelNames: ['task'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    cronTicks: new Counter({
      name: 'schoolbell_cron_ticks_total',
      help: 'Crontab jobs this process scheduled (backfilled ones included), by task.',
      labelNames: ['task'],
      registers,
    }),
    graphqlRequests: new Counter({
      name: 'schoolbell_graphql_requests_total',
      help: 'GraphQL HTTP requests (GET and POST), by outcome (ok, graphql_error, http_error) and status code.',
      labelNames: ['outcome', 'status'],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'schoolbell_graphql_request_duration_seconds',
      help: 'GraphQL HTTP request latency, by status code.',
      labelNames: ['status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}

/** UNCOUNTED_TOTALS are prom-client's default gauges whose names end in `_total`. */
const UNCOUNTED_TOTALS = [
  'schoolbell_nodejs_active_handles_total',
  'schoolbell_nodejs_active_requests_total',
  'schoolbell_nodejs_active_resources_total',
];

/**
 * GraphqlOutcome is how one GraphQL HTTP request ended: `ok` (a 2xx response without errors),
 * `graphql_error` (a 2xx response whose body carries GraphQL `errors`: a failed validation, a
 * refused mutation, a database error) or `http_error` (any other status: 401, 405, 413, 415,
 * 429, 5xx...).
 */
export type GraphqlOutcome = 'ok' | 'graphql_error' | 'http_error';

/**
 * GRAPHQL_ERRORS remembers, per response, whether the GraphQL answer carried `errors`; the
 * responses plugin (src/http/responses.ts), which reads every answer's errors anyway to give
 * them codes, says so through noteGraphqlErrors.
 */
const GRAPHQL_ERRORS = new WeakMap<ServerResponse, boolean>();

/** noteGraphqlErrors records whether the GraphQL answer sent on `res` carries errors. */
export function noteGraphqlErrors(res: ServerResponse, errors: boolean): void {
  GRAPHQL_ERRORS.set(res, errors);
}

/**
 * countGraphqlRequest counts one GraphQL HTTP request (a POST, or a GET carrying a query) in the
 * metrics once its response is sent, by outcome and status, and observes its latency.
 */
export function countGraphqlRequest(
  metrics: Metrics,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const query = (req.url ?? '').includes('?');
  if (req.method !== 'POST' && !(req.method === 'GET' && query)) return;
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const status = String(res.statusCode);
    metrics.graphqlRequests.inc({ outcome: graphqlOutcome(res), status });
    metrics.graphqlDuration.observe({ status }, Number(process.hrtime.bigint() - started) / 1e9);
  });
}

function graphqlOutcome(res: ServerResponse): GraphqlOutcome {
  if (res.statusCode < 200 || res.statusCode >= 300) return 'http_error';
  return GRAPHQL_ERRORS.get(res) ? 'graphql_error' : 'ok';
}
