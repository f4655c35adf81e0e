import { FlowSpec, current, resources, retry, step } from "tsflow";

/** A foreach of FAN_N tasks for the Slurm executor; index 3 fails its first attempt (for @retry). */
export class SlurmFanFlow extends FlowSpec {
  items: number[] = [];
  @step start() { this.items = Array.from({ length: Number(process.env.FAN_N ?? 50) }, (_, i) => i); this.next(this.each, { foreach: "items" }); }
  @resources({ cpu: 1, memory: 100 })
  @retry({ times: 2 })
  @step async each() {
    const i = this.input as number;
    console.log(`each ${i} on ${process.env.SLURMD_NODENAME} retry ${current.retryCount}`);
    if (i === 3 && current.retryCount === 0 && process.env.FAIL_ONCE === "1") throw new Error("index 3 fails its first attempt");
    if (process.env.SLOW_MS) await new Promise((r) => setTimeout(r, Number(process.env.SLOW_MS)));
    (this as Record<string, unknown>).node = process.env.SLURMD_NODENAME;
    (this as Record<string, unknown>).sq = i * i;
    this.next(this.join);
  }
  @step join(inputs: Iterable<{ sq: number; node: string }>) {
    const all = [...inputs];
    (this as Record<string, unknown>).total = all.reduce((a, x) => a + x.sq, 0);
    (this as Record<string, unknown>).nodes = [...new Set(all.map((x) => x.node))].sort();
    this.next(this.end);
  }
  @step end() { console.log(`total ${(this as Record<string, unknown>).total} nodes ${(this as Record<string, unknown>).nodes}`); }
}
