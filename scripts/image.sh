#!/usr/bin/env bash
# Does what the Dockerfile does, without Docker: build dist/ with the dev dependencies, then
# assemble the runtime stage (dist/, bin/, sql/, crontab, production dependencies only) in a
# scratch directory and run it there as the container would: NODE_ENV=production, the
# HEALTHCHECK command until healthy, one GraphQL request, SIGTERM, exit 0.
# Node 24 comes from our node_modules here; the image's base provides it there.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
node="$repo/node_modules/.bin/node"

echo "# build stage: npm run build"
rm -rf dist
npm run build --silent

app=$(mktemp -d /tmp/schoolbell-image.XXXXXX)
data=$(mktemp -d /tmp/schoolbell-image-data.XXXXXX)
# Like a container filesystem, readable by the user PostgreSQL runs as when this runs as root.
chmod 755 "$app"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  rm -rf "$app" "$data"
}
trap cleanup EXIT

echo "# runtime stage in $app: production dependencies only"
cp package.json package-lock.json "$app/"
cp -r node_modules dist bin sql crontab admin "$app/"
(cd "$app" && npm prune --omit=dev --no-audit --no-fund --loglevel=error)
if [ -e "$app/node_modules/tap" ] || [ -e "$app/node_modules/@biomejs/biome" ] || [ -e "$app/node_modules/node" ]; then
  echo "dev dependencies leaked into the runtime stage" >&2
  exit 1
fi

port=$("$node" -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
pgport=$("$node" -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
echo "# run: node bin/schoolbell.js start (embedded database, port $port)"
(
  cd "$app"
  exec env -i PATH="$PATH" HOME="${HOME:-/tmp}" NODE_ENV=production PORT="$port" HOST=127.0.0.1 \
    DATA_DIR="$data" EMBEDDED_PG_PORT="$pgport" JWT_SECRET=image-check-secret-0123456789abcdef \
    "$node" bin/schoolbell.js start
) > "$data.log" 2>&1 &
pid=$!

healthy=""
for _ in $(seq 1 60); do
  if (cd "$app" && PORT="$port" "$node" bin/healthcheck.js); then healthy=yes; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
if [ -z "$healthy" ]; then
  echo "the image never became healthy; its log:" >&2
  cat "$data.log" >&2
  exit 1
fi
echo "# healthy; the log is JSON lines:"
head -c 300 "$data.log"; echo

answer=$(curl -sf -X POST "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ __typename }"}')
echo "# POST /graphql -> $answer"
[ "$answer" = '{"data":{"__typename":"Query"}}' ] || { echo "unexpected GraphQL answer" >&2; exit 1; }

page=$(curl -sf "http://127.0.0.1:$port/admin" | grep -c '<title>schoolbell admin</title>' || true)
[ "$page" = 1 ] || { echo "the admin page is not served" >&2; exit 1; }
echo "# GET /admin -> the admin page"
# Its live views import graphql-ws's browser client from the production dependencies.
client=$(curl -sf "http://127.0.0.1:$port/admin/vendor/graphql-ws/client.js" | grep -c 'createClient' || true)
[ "$client" -ge 1 ] || { echo "graphql-ws's browser client is not served" >&2; exit 1; }
echo "# GET /admin/vendor/graphql-ws/client.js -> graphql-ws's client"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
rm -f "$data.log"
if [ "$status" -ne 0 ]; then echo "the service exited $status on SIGTERM" >&2; exit 1; fi
echo "# SIGTERM -> exit 0: the image works"
