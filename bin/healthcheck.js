#!/usr/bin/env node
// The container's HEALTHCHECK: exit 0 when the service answers /healthz, 1 otherwise.
const port = process.env.PORT || '5678';
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
    signal: AbortSignal.timeout(3000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
