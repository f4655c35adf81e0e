#!/usr/bin/env bash
# Creates test "hosts" as network namespaces joined by a bridge (inside its own namespace), with
# addresses that exist only inside them: tsf-ctl = 10.78.0.1 (controller: Redis, slurmctld, S3) and
# tsf-n1..tsf-nN = 10.78.0.11.. (workers). Nothing is added to the machine's own network namespace
# except the namespaces themselves. Usage: scripts/netns-up.sh [N=3]; undo with scripts/netns-down.sh.
set -euo pipefail
N=${1:-3}
P=${NETNS_PREFIX:-tsf}
ip netns add "$P-br"
ip -n "$P-br" link add br0 type bridge
ip -n "$P-br" link set br0 up
ip -n "$P-br" link set lo up
hosts="ctl:1"
for i in $(seq 1 "$N"); do hosts="$hosts n$i:$((10 + i))"; done
for spec in $hosts; do
  name=${spec%%:*}; oct=${spec##*:}; ns="$P-$name"
  ip netns add "$ns"
  ip -n "$P-br" link add "v-$name" type veth peer name eth0 netns "$ns"
  ip -n "$P-br" link set "v-$name" master br0 up
  ip -n "$ns" addr add "10.78.0.$oct/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done
