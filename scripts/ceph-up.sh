#!/usr/bin/env bash
# Starts a single-node Ceph (one mon, one OSD, no mgr, no cephx) with the RADOS Gateway on 127.0.0.1,
# creates an S3 user, and prints the environment a test needs. For CI and development only.
# Usage: scripts/ceph-up.sh [bluestore|memstore]
# env: CEPH_DIR (default /tmp/tsflow-ceph), CEPH_ADDR (127.0.0.1; an address inside a network namespace
# a test made, to serve hosts there), RGW_PORT (7480), MON_PORT_V2 (3300), MON_PORT_V1 (6789)
# Stop it with scripts/ceph-down.sh (kills each daemon by its PID file).
set -euo pipefail
STORE=${1:-bluestore}
D=${CEPH_DIR:-/tmp/tsflow-ceph}
RGW_PORT=${RGW_PORT:-7480}
ADDR=${CEPH_ADDR:-127.0.0.1}
MON="[v2:$ADDR:${MON_PORT_V2:-3300},v1:$ADDR:${MON_PORT_V1:-6789}]"
KEY=${S3_TEST_KEY:-tsflowcikey}
SECRET=${S3_TEST_SECRET:-tsflowcisecret123}
if [ -d "$D/run" ]; then CEPH_DIR=$D bash "$(dirname "$0")/ceph-down.sh" || true; fi
rm -rf "$D"; mkdir -p "$D"/{run,log,mon/ceph-a,osd/ceph-0,rgw}
FSID=$(uuidgen)
CONF=$D/ceph.conf
cat > "$CONF" <<CONF
[global]
fsid = $FSID
mon host = $MON
public network = $ADDR/32
cluster network = $ADDR/32
public addr = $ADDR
cluster addr = $ADDR
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
run dir = $D/run
admin socket = $D/run/\$cluster-\$name.asok
pid file = $D/run/\$cluster-\$name.pid
log file = $D/log/\$cluster-\$name.log
log to stderr = false
err to stderr = true
keyring = $D/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
# proposals every 0.1 s instead of 1 s: the cluster starts in ~5 s instead of ~17 s
paxos propose interval = 0.1
[mon]
mon data = $D/mon/\$cluster-\$id
mon cluster log file = $D/log/\$cluster.log
[osd]
osd data = $D/osd/\$cluster-\$id
osd objectstore = $STORE
osd memory target = 1073741824
bluestore block create = true
bluestore block size = 21474836480
bluestore fsck on mkfs = false
bluestore block db create = false
bluestore block wal create = false
memstore device bytes = 4294967296
osd max object size = 134217728
[client.rgw.0]
# radosgw defaults to cephx and a secure mon channel; with auth none it would hang forever
ms mon client mode = crc
auth client required = none
# without tcp_nodelay every keep-alive GET/LIST waits ~44 ms (Nagle + delayed ACK)
rgw frontends = beast endpoint=$ADDR:$RGW_PORT tcp_nodelay=1
rgw data = $D/rgw
log file = $D/log/rgw.log
rgw thread pool size = 64
# RGW frees a deleted object's data in its garbage collector, by default 2 h later and once an hour:
# a 4 GiB memstore then fills (HEALTH_ERR full osd, every request hangs) after a few dozen 120 MB
# artifacts written and deleted, as the S3 bench and the test roots do. Free it within a minute.
rgw gc obj min wait = 30
rgw gc processor period = 30
CONF
: > "$D/keyring"
C="-c $CONF"
monmaptool --create --addv a "$MON" --fsid "$FSID" "$D/monmap" >/dev/null
ceph-mon $C --mkfs -i a --monmap "$D/monmap"
ceph-mon $C -i a
timeout 60 bash -c "until ceph $C --connect-timeout 5 mon stat >/dev/null 2>&1; do sleep 0.3; done"
OSD_UUID=$(uuidgen)
OSD_ID=$(ceph $C osd new "$OSD_UUID")
ceph-osd $C -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1
ceph-osd $C -i "$OSD_ID" >/dev/null 2>&1
timeout 60 bash -c "until ceph $C osd dump 2>/dev/null | grep -q '^osd.$OSD_ID up'; do sleep 0.5; done"
radosgw $C -n client.rgw.0
timeout 120 bash -c "until curl -s -o /dev/null http://$ADDR:$RGW_PORT/; do sleep 0.3; done"
radosgw-admin $C user create --uid=tsflow-ci --display-name=tsflow-ci --access-key="$KEY" --secret="$SECRET" >/dev/null
echo "export AWS_ENDPOINT_URL_S3=http://$ADDR:$RGW_PORT AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_REGION=us-east-1"
