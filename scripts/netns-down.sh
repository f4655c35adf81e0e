#!/usr/bin/env bash
# Kills whatever still runs in the test namespaces, then deletes them (scripts/netns-up.sh made them).
P=${NETNS_PREFIX:-tsf}
for ns in $(ip netns list | awk '{print $1}' | grep "^$P-"); do
  pids=$(ip netns pids "$ns" 2>/dev/null)
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  ip netns del "$ns" 2>/dev/null
done
exit 0
