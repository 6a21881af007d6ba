#!/usr/bin/env node
// The container's HEALTHCHECK: exit 0 when the service answers /healthz, 1 otherwise;
// `healthcheck.js /readyz` asks readiness instead (docker-compose.yml does). Both are on
// OPS_HOST:OPS_PORT when OPS_PORT is set (see README: Health, readiness and metrics), else on
// PORT; a wildcard or unset address is reached on loopback.
const endpoint = process.argv[2] ?? '/healthz';
if (endpoint !== '/healthz' && endpoint !== '/readyz') {
  console.error(`healthcheck: unknown endpoint "${endpoint}": use /healthz or /readyz`);
  process.exit(64);
}
const port = process.env.OPS_PORT || process.env.PORT || '5678';
const opsHost = process.env.OPS_PORT ? process.env.OPS_HOST : undefined;
const host =
  !opsHost || opsHost === '0.0.0.0' || opsHost === '::'
    ? '127.0.0.1'
    : opsHost.includes(':')
      ? `[${opsHost}]`
      : opsHost;
try {
  const response = await fetch(`http://${host}:${port}${endpoint}`, {
    signal: AbortSignal.timeout(3000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
