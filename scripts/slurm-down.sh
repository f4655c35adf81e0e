#!/usr/bin/env bash
# Stops the Slurm daemons scripts/slurm-up.sh started, by their PID files (munged is left to its own).
S=${SLURM_DIR:-/tmp/tsflow-slurm}
for f in "$S"/slurmd.*.pid "$S"/slurmctld.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
sleep 0.5
for f in "$S"/slurmd.*.pid "$S"/slurmctld.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
exit 0
