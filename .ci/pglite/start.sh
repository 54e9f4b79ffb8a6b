#!/usr/bin/env bash
# Starts a real PostgreSQL with pgvector for the Siamese.Net.PgVector tests: PGlite (PostgreSQL compiled to WASM) behind
# pglite-socket's wire-protocol server, on a free loopback port, in the background. Installs the pinned packages from
# package-lock.json first (npm ci). Prints one line, SIAMESE_NET_PG=<Npgsql connection string>, once the server accepts
# connections; stop it with stop.sh. The database is in memory and disappears with the process.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
command -v node >/dev/null 2>&1 || { echo "node (20 or newer) is required for the PGlite server" >&2; exit 1; }

npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2

# A free port: bind port 0 on loopback, read what the kernel chose, release it.
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
log="$here/pglite.log"
# -m 4: up to four clients at once (e.g. a test run and a benchmark); without it PGlite serves one client at a time.
nohup node node_modules/@electric-sql/pglite-socket/dist/scripts/server.js \
  --host=127.0.0.1 --port="$port" -e @electric-sql/pglite-pgvector:vector -m 4 >"$log" 2>&1 &
echo $! >"$here/pglite.pid"

for _ in $(seq 1 120); do
  if ! kill -0 "$(cat "$here/pglite.pid")" 2>/dev/null; then
    echo "the PGlite server exited during start-up:" >&2; cat "$log" >&2; exit 1
  fi
  if node -e 'const c=require("net").connect(+process.argv[1],"127.0.0.1",()=>{c.end();process.exit(0);});c.on("error",()=>process.exit(1));' "$port" 2>/dev/null; then
    # Maximum Pool Size=1: PGlite is one PostgreSQL session; its multiplexer keeps explicit transactions apart but can
    # interleave the extended-protocol messages of two clients outside one, so each test process uses one connection.
    echo "SIAMESE_NET_PG=Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres;Database=postgres;Maximum Pool Size=1;Timeout=60;Command Timeout=300"
    exit 0
  fi
  sleep 0.5
done
echo "the PGlite server did not accept connections within 60 s:" >&2; cat "$log" >&2
kill "$(cat "$here/pglite.pid")" 2>/dev/null || true
exit 1
