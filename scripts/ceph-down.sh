#!/usr/bin/env bash
# Stops the daemons scripts/ceph-up.sh started, by their PID files only.
D=${CEPH_DIR:-/tmp/tsflow-ceph}
for f in "$D"/run/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
for _ in $(seq 1 50); do
  alive=0
  for f in "$D"/run/*.pid; do [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && exit 0; sleep 0.1
done
for f in "$D"/run/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
exit 0
