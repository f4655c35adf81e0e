#!/usr/bin/env bash
# Starts a Slurm cluster for tests: munged, slurmctld in namespace tsf-ctl (10.78.0.1) and one slurmd
# per worker namespace tsf-n1..N (scripts/netns-up.sh makes them), each node with 2 CPUs.
# Prints `export SLURM_CONF=...`. Stop it with scripts/slurm-down.sh.
# Pitfalls handled (shared/reference/distributed-executors.md): SlurmctldHost must be the real
# hostname; slurmd 22.05 needs a cgroup plugin even with proctrack/linuxproc (an empty cgroup/v1
# mountpoint satisfies it); the default scheduler starts ~6 array tasks every 3 s (tuned below).
set -euo pipefail
N=${1:-3}
P=${NETNS_PREFIX:-tsf}
S=${SLURM_DIR:-/tmp/tsflow-slurm}
rm -rf "$S"; mkdir -p "$S"/{state,log,cgroup,spool}
for i in $(seq 1 "$N"); do mkdir -p "$S/spool/n$i"; done
if ! pgrep -x munged >/dev/null; then
  mkdir -p /run/munge && chown munge:munge /run/munge
  [ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  runuser -u munge -- /usr/sbin/munged
fi
nodes=""
for i in $(seq 1 "$N"); do nodes="${nodes}NodeName=n$i NodeAddr=10.78.0.$((10 + i)) CPUs=2 RealMemory=2000 State=UNKNOWN
"; done
cat > "$S/slurm.conf" <<CONF
ClusterName=tsflow
SlurmctldHost=$(hostname)(10.78.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# A requeued job starts again only once its job credential expired: 121 s by default, 30 s here.
AuthInfo=cred_expire=30
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool/%n
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.%n.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.%n.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Memory is a consumable: without a default, a job that asks none is given the whole node (one job a node).
DefMemPerCPU=1000
ReturnToService=2
SlurmctldTimeout=20
SlurmdTimeout=10
InactiveLimit=0
MinJobAge=300
KillWait=5
JobRequeue=1
MaxArraySize=10001
MaxJobCount=20000
MpiDefault=none
MailProg=/bin/true
${nodes}PartitionName=main Nodes=n[1-$N] Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,default_queue_depth=1000
CONF
cat > "$S/cgroup.conf" <<CONF
CgroupPlugin=cgroup/v1
CgroupMountpoint=$S/cgroup
CgroupAutomount=no
CONF
export SLURM_CONF=$S/slurm.conf
ip netns exec "$P-ctl" /usr/sbin/slurmctld -f "$S/slurm.conf" -i
for i in $(seq 1 "$N"); do ip netns exec "$P-n$i" /usr/sbin/slurmd -f "$S/slurm.conf" -N "n$i"; done
timeout 30 bash -c "until ip netns exec $P-ctl timeout 5 sinfo -h -t idle -o %D 2>/dev/null | grep -qx $N; do sleep 0.3; done"
echo "export SLURM_CONF=$S/slurm.conf"
