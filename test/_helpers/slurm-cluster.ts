/**
 * A real Slurm cluster for tests (Debian's slurm-wlm + munge): a controller and worker nodes, each
 * "machine" a network namespace of its own (scripts/netns-up.sh, scripts/slurm-up.sh).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO } from "./cli.js";
import { killNamespace } from "./netns.js";

const exec = promisify(execFile);

/** A running cluster. */
export interface SlurmCluster {
  /** The environment a Slurm client needs (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  /** The controller's namespace, where the launcher runs. */
  controller: string;
  /** Kills a node's slurmd and every task on it, as the machine dies; `restart` brings slurmd back. */
  killNode(n: number): Promise<void>;
  restartNode(n: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the cluster with `nodes` nodes in namespaces `<prefix>-n1..`. */
export async function startSlurm(prefix: string, nodes = 3): Promise<SlurmCluster> {
  const dir = `/tmp/tsflow-slurm-${prefix}`;
  const env = { ...process.env, NETNS_PREFIX: prefix, SLURM_DIR: dir };
  await exec("bash", [`${REPO}scripts/netns-down.sh`], { env });
  await exec("bash", [`${REPO}scripts/netns-up.sh`, String(nodes)], { env });
  const { stdout } = await exec("bash", [`${REPO}scripts/slurm-up.sh`, String(nodes)], { env });
  const conf = /SLURM_CONF=(\S+)/.exec(stdout)![1]!;
  const clientEnv = { SLURM_CONF: conf };
  return {
    env: clientEnv,
    controller: `${prefix}-ctl`,
    async killNode(n) {
      await killNamespace(`${prefix}-n${n}`);
    },
    async restartNode(n) {
      await exec("ip", ["netns", "exec", `${prefix}-n${n}`, "/usr/sbin/slurmd", "-f", conf, "-N", `n${n}`], { env: { ...process.env, ...clientEnv } });
    },
    async stop() {
      await exec("bash", [`${REPO}scripts/slurm-down.sh`], { env }).catch(() => undefined);
      await exec("bash", [`${REPO}scripts/netns-down.sh`], { env }).catch(() => undefined);
    },
  };
}
