/** Processes of a test's network-namespace "host". */
import { readlinkSync, statSync } from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);

/**
 * Kills every process inside the namespace `ns`, as the machine dies. Each pid is checked to be in
 * that namespace right before it is killed, so a pid reused meanwhile by another process is spared.
 */
export async function killNamespace(ns: string): Promise<void> {
  const inode = `net:[${statSync(`/run/netns/${ns}`).ino}]`;
  const { stdout } = await exec("ip", ["netns", "pids", ns]);
  for (const pid of stdout.split("\n").filter(Boolean).map(Number)) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) === inode) process.kill(pid, "SIGKILL");
    } catch {
      // it exited already
    }
  }
}
