// The deployment files agree with the code: docker-compose.yml, alone and with its PgBouncer
// override docker-compose.pgbouncer.yml, passes a real Compose implementation's check (Debian's
// docker-compose), the Kubernetes manifests in deploy/k8s pass the Kubernetes and KEDA schemas
// (kubernetes-models and @kubernetes-models/keda, from npm), every variable they set is one
// src/config.ts reads and parses, every command is a role of the CLI, their connections add up
// to less than PostgreSQL's default max_connections, and the probes, healthchecks and KEDA's
// query work against real processes and a real migrated database; a server with the override's
// settings answers behind Debian's PgBouncer in transaction mode. No engine or cluster runs
// here: README, Deployment, says what is not checked.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import t, { type Test } from 'tap';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { CONFIG_VARIABLES, parseConfig } from '../src/config.ts';
import { root } from '../src/paths.ts';
import { createTestPool } from '../support/database.ts';
import { postGraphql } from '../support/graphql.ts';
import { pgbouncerUnavailable, startPgBouncer } from '../support/pgbouncer.ts';
import { finished, freePort, runCli, runCommand, serve } from '../support/processes.ts';
import { waitUntil } from '../support/waiting.ts';

const DOCKER_COMPOSE = '/usr/bin/docker-compose';
const run = promisify(execFile);

/** Values for the variables the compose file makes the operator set, as `.env` would. */
const OPERATOR_ENV = {
  JWT_SECRET: 'deploy-test-secret-0123456789abcdef',
  POSTGRES_PASSWORD: 'deploy-test-password',
};

/** The roles a deployment runs: the long-running ones, and the one-shot migrate. */
const ROLES = ['server', 'worker', 'migrate'];

type Env = Record<string, string>;

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Env;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

const readCompose = (file: string) =>
  parseYaml(readFileSync(path.join(root, file), 'utf8'), { merge: true }) as ComposeFile;

const OVERRIDE = 'docker-compose.pgbouncer.yml';
const compose = readCompose('docker-compose.yml');
const override = readCompose(OVERRIDE);

/**
 * pooled is the base file with the override merged in as Compose merges these two: the
 * override's environment variables and depends_on entries over the base's, its new services added.
 */
const pooled: ComposeFile = {
  services: Object.fromEntries(
    [...new Set([...Object.keys(compose.services), ...Object.keys(override.services)])].map(
      (name) => {
        const base = compose.services[name] ?? {};
        const over = override.services[name] ?? {};
        return [
          name,
          {
            ...base,
            ...over,
            environment: { ...base.environment, ...over.environment },
            depends_on: { ...base.depends_on, ...over.depends_on },
          },
        ];
      },
    ),
  ),
};

/** resolve fills `${NAME:?message}` and `${NAME}` the way Compose would, from OPERATOR_ENV. */
function resolve(value: string): string {
  return value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_, name: keyof typeof OPERATOR_ENV) => {
    const found = OPERATOR_ENV[name];
    if (found === undefined) throw new Error(`no value for \${${name}}`);
    return found;
  });
}

/** schoolbellServices are the compose services that run the image, by name. */
const schoolbellServices = (file: ComposeFile) =>
  Object.entries(file.services).filter(
    ([, service]) => service.image?.startsWith('schoolbell:') ?? false,
  );

/** composeEnv is a service's environment, interpolated. */
function composeEnv(service: ComposeService): Env {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [
      name,
      resolve(String(value)),
    ]),
  );
}

/** checkVariables checks that an environment sets only variables src/config.ts reads, and parses. */
function checkVariables(t: Test, name: string, env: Env): void {
  const unknown = Object.keys(env).filter((variable) => !CONFIG_VARIABLES.includes(variable));
  t.same(unknown, [], `${name} sets only variables src/config.ts reads`);
  t.doesNotThrow(() => parseConfig(env), `${name}'s environment parses`);
}

/**
 * connections is the most a replica of a role opens with an environment (README, Connections and
 * pooling): a server its two pools and its listen session, a worker its one pool, which must
 * hold a connection for every running job and the two sessions that LISTEN for good.
 */
function connections(t: Test, role: string, env: Env): number {
  const config = parseConfig(env);
  if (role === 'server') return config.databasePoolSize + config.graphqlPoolSize + 1;
  t.ok(
    config.databasePoolSize >= config.workerConcurrency + 2,
    `the ${role}'s pool holds WORKER_CONCURRENCY jobs and two LISTEN sessions`,
  );
  return config.databasePoolSize;
}

/** PostgreSQL's default max_connections (100) less its 3 superuser_reserved_connections. */
const MAX_CONNECTIONS = 97;

/** composeMissing says why docker-compose cannot run here; in CI (.ci/run installs it) that is an error. */
function composeMissing(): string | false {
  if (existsSync(DOCKER_COMPOSE)) return false;
  if (process.env.CI)
    throw new Error(
      `${DOCKER_COMPOSE} is missing: .ci/run should have installed Debian's docker-compose`,
    );
  return `${DOCKER_COMPOSE} is not installed (apt-get install docker-compose); skipping its check`;
}

t.test('docker-compose.yml passes docker-compose config', { skip: composeMissing() }, async (t) => {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...OPERATOR_ENV };
  const checked = await run(DOCKER_COMPOSE, ['config', '--services'], { cwd: root, env });
  t.same(
    checked.stdout.trim().split('\n').sort(),
    Object.keys(compose.services).sort(),
    'Compose reads every service',
  );
  // With the override: Compose's own merge is the one this file's checks assume (pooled).
  const merged = await run(DOCKER_COMPOSE, ['-f', 'docker-compose.yml', '-f', OVERRIDE, 'config'], {
    cwd: root,
    env,
  });
  const services = (parseYaml(merged.stdout) as ComposeFile).services;
  t.same(Object.keys(services).sort(), Object.keys(pooled.services).sort(), 'and the override');
  for (const [name, service] of Object.entries(pooled.services)) {
    t.same(services[name]?.environment, composeEnv(service), `${name}'s environment, merged`);
    t.same(services[name]?.depends_on ?? {}, service.depends_on, `${name}'s dependencies, merged`);
  }
  // Without the secrets the operator must set, Compose refuses, naming the variable.
  const refused = await run(DOCKER_COMPOSE, ['config', '-q'], {
    cwd: root,
    env: { PATH: env.PATH, HOME: env.HOME },
  }).catch((error: { stderr: string }) => error);
  t.match(refused, { stderr: /set (JWT_SECRET|POSTGRES_PASSWORD)/ });
});

t.test('the compose file runs the roles the CLI has, with settings it reads', async (t) => {
  const roles = schoolbellServices(compose).map(([, service]) => service.command?.[0]);
  t.same(
    [...new Set(roles)].sort(),
    [...ROLES].sort(),
    'a migrate, servers and workers, nothing else',
  );
  t.equal(roles.filter((role) => role === 'server').length, 2, 'two servers');
  t.equal(roles.filter((role) => role === 'worker').length, 2, 'two workers');
  for (const [name, service] of schoolbellServices(compose)) {
    const env = composeEnv(service);
    checkVariables(t, name, env);
    const role = service.command?.[0] as string;
    if (role === 'migrate') continue;
    // Every replica waits for the migration and answers on the port the code listens on.
    t.same(service.depends_on?.migrate, { condition: 'service_completed_successfully' });
    const port = String(parseConfig(env).port);
    t.match(service.ports, [new RegExp(`^\\d+:${port}$`)], `${name} publishes PORT`);
    t.same(service.healthcheck?.test, ['CMD', 'node', 'bin/healthcheck.js', '/readyz']);
  }
  t.notOk(compose.services.pgbouncer, 'PgBouncer only with the override');
  for (const role of ROLES) {
    const help = runCli(t, [role, '--help'], {});
    t.equal(await help.exited, 0, `schoolbell ${role} is a command`);
  }
});

/** MIGRATE_CONNECTIONS: `schoolbell migrate` runs on one pool of 2 (docs/capacity.md). */
const MIGRATE_CONNECTIONS = 2;

/** composeRole is the CLI role a compose service runs. */
const composeRole = (service: ComposeService) => service.command?.[0] as string;

t.test("the compose file's connections fit PostgreSQL's default max_connections", async (t) => {
  let total = 0;
  for (const [, service] of schoolbellServices(compose)) {
    const role = composeRole(service);
    total += role === 'migrate' ? MIGRATE_CONNECTIONS : connections(t, role, composeEnv(service));
  }
  t.equal(total, 52, 'as its header says: 2 x 13 + 2 x 12 + 2');
  t.ok(total <= MAX_CONNECTIONS, `${total} of ${MAX_CONNECTIONS}`);
});

t.test('the PgBouncer override sends the servers through it, and nothing else', async (t) => {
  const bouncer = pooled.services.pgbouncer as ComposeService;
  const settings = composeEnv(bouncer);
  t.equal(settings.PGBOUNCER_POOL_MODE, 'transaction', 'PgBouncer pools by transaction');
  t.equal(settings.POSTGRESQL_HOST, 'postgres', 'in front of the compose PostgreSQL');
  t.equal(settings.PGBOUNCER_DATABASE, settings.POSTGRESQL_DATABASE, 'under its own name');
  t.same(bouncer.depends_on?.postgres, { condition: 'service_healthy' });
  const postgres = new URL(
    composeEnv(compose.services.migrate as ComposeService).DATABASE_URL ?? '',
  );
  let servers = 0;
  let total = Number(settings.PGBOUNCER_DEFAULT_POOL_SIZE);
  for (const [name, service] of schoolbellServices(pooled)) {
    const env = composeEnv(service);
    checkVariables(t, name, env);
    const role = composeRole(service);
    const database = new URL(env.DATABASE_URL ?? '');
    if (role !== 'server') {
      t.equal(database.host, postgres.host, `${name} stays on PostgreSQL directly`);
      total += role === 'migrate' ? MIGRATE_CONNECTIONS : connections(t, role, env);
      continue;
    }
    servers += 1;
    total += 1; // its listen session
    t.equal(database.host, `pgbouncer:${settings.PGBOUNCER_PORT}`, `${name} through PgBouncer`);
    t.equal(database.pathname, `/${settings.PGBOUNCER_DATABASE}`);
    t.equal(
      new URL(env.DATABASE_LISTEN_URL ?? '').href,
      postgres.href,
      `${name} listens on PostgreSQL directly`,
    );
    t.equal(env.DATABASE_PREPARED_STATEMENTS, 'off', `${name} names no statement`);
    t.same(service.depends_on?.pgbouncer, { condition: 'service_started' });
    t.ok(
      connections(t, role, env) * 2 <= Number(settings.PGBOUNCER_MAX_CLIENT_CONN),
      'PgBouncer takes both servers as clients',
    );
  }
  t.equal(servers, 2, 'both servers');
  t.equal(total, 38, 'PostgreSQL sees as the header says: 10 + 2 + 2 x 12 + 2');
});

t.test(
  "a server with the override's settings answers behind PgBouncer in transaction mode",
  { skip: pgbouncerUnavailable() },
  async (t) => {
    const { url } = await createTestPool(t, 2);
    const direct = new URL(url);
    const database = direct.pathname.slice(1);
    const settings = composeEnv(pooled.services.pgbouncer as ComposeService);
    const bouncer = await startPgBouncer(t, {
      server: url,
      poolMode: 'transaction',
      poolSize: Number(settings.PGBOUNCER_DEFAULT_POOL_SIZE),
      maxClients: Number(settings.PGBOUNCER_MAX_CLIENT_CONN),
    });
    // The compose hosts, `pgbouncer` and `postgres`, become this PgBouncer and this PostgreSQL.
    const here = (value: string) => {
      const host = new URL(value).hostname;
      if (host === 'pgbouncer') return bouncer.url(database);
      if (host === 'postgres') return url;
      throw new Error(`${value}: neither pgbouncer nor postgres`);
    };
    const env = composeEnv(pooled.services['server-1'] as ComposeService);
    const server = await serve(t, 'server', {
      ...env,
      DATABASE_URL: here(env.DATABASE_URL ?? ''),
      DATABASE_LISTEN_URL: here(env.DATABASE_LISTEN_URL ?? ''),
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const ready = await fetch(`${server.base}/readyz`);
    t.equal(ready.status, 200, '/readyz');
    // Requests at once share PgBouncer's server connections: none fails on a statement another
    // client named on the same server connection (as DATABASE_PREPARED_STATEMENTS=on would).
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        postGraphql(server.base, '{ currentUser { id } bookings { nodes { id } } }', {}),
      ),
    );
    t.same(
      answers.filter(({ body }) => body.errors),
      [],
      `${answers.length} GraphQL requests at once, none failed`,
    );
    const pools = await bouncer.pools();
    t.ok(
      pools.some((pool) => pool.database === database && pool.mode === 'transaction'),
      'the server reached its database through PgBouncer',
    );
  },
);

/** Every document of deploy/k8s, with the file it came from. */
const k8sDir = path.join(root, 'deploy', 'k8s');
const manifests = readdirSync(k8sDir)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(k8sDir, file), 'utf8')).map((document) => ({
      file,
      // biome-ignore lint/suspicious/noExplicitAny: a manifest is any object until validated.
      object: document.toJS() as any,
    })),
  );

/** The schema of each kind the manifests use, from npm's kubernetes-models. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
} as never;

/** validate checks a manifest against its kind's schema; it throws what is wrong. */
function validate(object: { apiVersion: string; kind: string }): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object as never).validate();
}

function find(kind: string, name: string) {
  const found = manifests.find((m) => m.object.kind === kind && m.object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found.object;
}

t.test('the Kubernetes manifests pass the Kubernetes and KEDA schemas', async (t) => {
  for (const { file, object } of manifests)
    t.doesNotThrow(() => validate(object), `${file}: ${object.kind} ${object.metadata.name}`);
  // The validator does reject a wrong manifest: a probe port of the wrong type.
  const broken = structuredClone(find('Deployment', 'schoolbell-server'));
  broken.spec.replicas = 'two';
  t.throws(() => validate(broken), /replicas/);
  const kustomization = parseYaml(readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8'));
  t.same(
    [...kustomization.resources].sort(),
    [...new Set(manifests.map((m) => m.file))].sort(),
    'kustomization.yaml lists every manifest',
  );
});

/** secretEnv stands in for the Secret `schoolbell` the operator creates (README, Deployment). */
const secretEnv = (databaseUrl: string): Env => ({
  DATABASE_URL: databaseUrl,
  JWT_SECRET: OPERATOR_ENV.JWT_SECRET,
});

/**
 * podEnv is what a workload's container runs with: the ConfigMap, the Secret (as secretEnv), and
 * its own `env`, which Kubernetes puts over both.
 */
function podEnv(workload: { spec: { template: { spec: { containers: unknown[] } } } }): Env {
  const container = workload.spec.template.spec.containers[0] as {
    env?: { name: string; value: string }[];
  };
  return {
    ...find('ConfigMap', 'schoolbell').data,
    ...secretEnv('postgres://schoolbell@postgres:5432/schoolbell'),
    ...Object.fromEntries((container.env ?? []).map(({ name, value }) => [name, value])),
  };
}

t.test("the manifests' connections fit PostgreSQL's default max_connections", async (t) => {
  const server = find('Deployment', 'schoolbell-server');
  const worker = find('Deployment', 'schoolbell-worker');
  const scaled = find('ScaledObject', 'schoolbell-worker');
  // The most replicas at once: a rollout surges by maxSurge; KEDA stops at maxReplicaCount.
  const servers = server.spec.replicas + server.spec.strategy.rollingUpdate.maxSurge;
  const workers = scaled.spec.maxReplicaCount + worker.spec.strategy.rollingUpdate.maxSurge;
  // KEDA's trigger (1), migrate (2) and DBAs or monitoring (5), as docs/capacity.md counts them.
  const others = 1 + MIGRATE_CONNECTIONS + 5;
  const perServer = connections(t, 'server', podEnv(server));
  const perWorker = connections(t, 'worker', podEnv(worker));
  t.same([servers, perServer, workers, perWorker], [3, 13, 4, 12], 'as config.yaml says');
  const total = servers * perServer + workers * perWorker + others;
  t.equal(total, 95, 'config.yaml and keda.yaml: 3 x 13 + 4 x 12 + 8');
  t.ok(total <= MAX_CONNECTIONS, `${total} of ${MAX_CONNECTIONS}`);
});

t.test('the manifests run the roles the CLI has, with settings it reads', async (t) => {
  const config: Env = find('ConfigMap', 'schoolbell').data;
  const env = { ...config, ...secretEnv('postgres://schoolbell@postgres:5432/schoolbell') };
  t.same(
    Object.keys(env).filter((variable) => !CONFIG_VARIABLES.includes(variable)),
    [],
    'the ConfigMap and the Secret hold only variables src/config.ts reads',
  );
  const port = parseConfig(env).port;
  const workloads = manifests.filter((m) => ['Deployment', 'Job'].includes(m.object.kind));
  const roles = workloads.map((m) => m.object.spec.template.spec.containers[0].args[0]);
  t.same([...roles].sort(), [...ROLES].sort(), 'a server, a worker and the migrate Job');
  for (const { object } of workloads) {
    checkVariables(t, object.metadata.name, podEnv(object));
    const container = object.spec.template.spec.containers[0];
    t.same(container.envFrom, [
      { configMapRef: { name: 'schoolbell' } },
      { secretRef: { name: 'schoolbell' } },
    ]);
    t.ok(container.resources.requests.cpu && container.resources.requests.memory, 'requests');
    if (object.kind === 'Job') continue;
    const named = container.ports[0];
    t.equal(named.containerPort, port, `${object.metadata.name} listens on PORT`);
    t.equal(container.livenessProbe.httpGet.path, '/healthz');
    t.equal(container.readinessProbe.httpGet.path, '/readyz');
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'])
      t.equal(container[probe].httpGet.port, named.name, `${probe} asks that port`);
    // A disruption budget covers exactly this Deployment's pods.
    const budget = find('PodDisruptionBudget', object.metadata.name);
    t.same(budget.spec.selector.matchLabels, object.spec.selector.matchLabels);
    t.same(object.spec.template.metadata.labels, object.spec.selector.matchLabels);
  }
  const server = find('Deployment', 'schoolbell-server');
  const service = find('Service', 'schoolbell');
  t.same(service.spec.selector, server.spec.selector.matchLabels, 'the Service selects servers');
  t.equal(service.spec.ports[0].targetPort, server.spec.template.spec.containers[0].ports[0].name);
  const scaled = find('ScaledObject', 'schoolbell-worker');
  t.equal(scaled.spec.scaleTargetRef.name, 'schoolbell-worker', 'KEDA scales the workers');
  t.ok(scaled.spec.minReplicaCount >= 1, 'never to zero: a worker holds the timers');
  const auth = find('TriggerAuthentication', scaled.spec.triggers[0].authenticationRef.name);
  t.same(auth.spec.secretTargetRef, [
    { parameter: 'connection', name: 'schoolbell', key: 'DATABASE_URL' },
  ]);
});

t.test('the probes, the healthcheck and KEDA query work on real processes', async (t) => {
  const { pool, url } = await createTestPool(t, 2);
  const query: string = find('ScaledObject', 'schoolbell-worker').spec.triggers[0].metadata.query;
  const dueJobs = async () => Number((await pool.query(query)).rows[0].count);
  // A job due now and one due in an hour: KEDA counts the first only.
  await pool.query(`select graphile_worker.add_job('prune_job_history', '{}', run_at := now())`);
  await pool.query(
    `select graphile_worker.add_job('prune_job_history', '{}', run_at := now() + interval '1 hour')`,
  );
  t.equal(await dueJobs(), 1, "KEDA's query counts the due job, not the future one");

  // The server and the worker, with their pods' settings and the Secret's, on a free port.
  const env = (name: string) => ({
    ...podEnv(find('Deployment', name)),
    ...secretEnv(url),
    HOST: '127.0.0.1',
  });
  const server = await serve(t, 'server', { ...env('schoolbell-server'), PORT: '0' });
  const workerPort = await freePort();
  runCli(t, ['worker'], { ...env('schoolbell-worker'), PORT: String(workerPort) });
  const worker = `http://127.0.0.1:${workerPort}`;
  await waitUntil('the worker is ready', async () =>
    fetch(`${worker}/readyz`).then(
      (response) => response.ok,
      () => false,
    ),
  );
  for (const [role, base] of [
    ['server', server.base],
    ['worker', worker],
  ] as const) {
    for (const probe of ['/healthz', '/readyz']) {
      const response = await fetch(`${base}${probe}`);
      t.equal(response.status, 200, `${role} ${probe}`);
    }
  }
  // The compose file's healthcheck command, as the container runs it.
  const check = compose.services['server-1']?.healthcheck?.test.slice(1) as string[];
  const healthcheck = runCommand(t, check[0] as string, check.slice(1), {
    PORT: new URL(server.base).port,
  });
  t.equal(await healthcheck.exited, 0, 'the compose healthcheck passes on a ready server');
  const misspelt = runCommand(t, check[0] as string, [check[1] as string, '/ready'], {
    PORT: new URL(server.base).port,
  });
  t.equal(await finished(misspelt), 64, 'a healthcheck naming no endpoint is a usage error');
  t.match(misspelt.output(), /unknown endpoint "\/ready": use \/healthz or \/readyz/);

  // The worker takes the due job: nothing left for KEDA to scale on.
  await waitUntil('the worker ran the due job', async () => (await dueJobs()) === 0);
  t.equal(await dueJobs(), 0);
});
