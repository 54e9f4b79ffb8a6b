#!/usr/bin/env bash
# Stops the PGlite server that start.sh started (by the process id it recorded); does nothing when none runs.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pidfile="$here/pglite.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
