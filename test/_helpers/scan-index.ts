/**
 * A stand-in run index for client tests: answers the `RunIndexPort` queries by reading the datastore
 * on every call (slow, but obviously right). Counts its queries so tests can check how many a call makes.
 */
import type { Datastore } from "../../src/store/datastore.js";
import type { IndexListRunsOptions, RunIndexPort, RunRow } from "../../src/client/backend.js";

export class ScanIndex implements RunIndexPort {
  readonly ds: Datastore;
  /** Number of queries answered, by method. */
  readonly calls = new Map<string, number>();

  constructor(ds: Datastore) {
    this.ds = ds;
  }

  private count(name: string): void {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }

  /** Total queries answered. */
  get queries(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  async rows(flow: string): Promise<RunRow[]> {
    const ids = await this.ds.listRunIds(flow).catch(() => [] as string[]);
    const rows = (await Promise.all(ids.map((id) => this.row(flow, id)))).filter((r): r is RunRow => !!r);
    return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (BigInt(b.runId) > BigInt(a.runId) ? 1 : -1));
  }

  async row(flow: string, runId: string): Promise<RunRow | undefined> {
    const rec = await this.ds.readRun(flow, runId);
    if (!rec) return undefined;
    const tags = await this.ds.readTags(flow, runId);
    const [endTask] = await this.ds.listTaskIds(flow, runId, rec.endStep);
    let done;
    if (endTask !== undefined) {
      const attempt = (await this.ds.listAttempts(flow, runId, rec.endStep, endTask)).at(-1) ?? 0;
      done = await this.ds.readDone(flow, runId, rec.endStep, endTask, attempt);
    }
    const successful = done?.success === true;
    return {
      flow, runId, createdAt: new Date(rec.createdAt), user: rec.user, systemTags: [...rec.systemTags],
      userTags: [...tags.userTags], tags: [...new Set([...rec.systemTags, ...tags.userTags])],
      successful, finished: successful, finishedAt: done ? new Date(done.finishedAt) : null,
      status: done ? (successful ? "successful" : "failed") : "running", originRunId: rec.originRunId, endStep: rec.endStep,
    };
  }

  async listFlows(ns: string | null): Promise<string[]> {
    this.count("listFlows");
    const out: string[] = [];
    for (const f of await this.ds.listFlows()) if ((await this.rows(f)).some((r) => ns === null || r.tags.includes(ns))) out.push(f);
    return out;
  }

  async flowExists(flow: string): Promise<boolean> {
    this.count("flowExists");
    return (await this.rows(flow)).length > 0;
  }

  async listRuns(flow: string, o: IndexListRunsOptions): Promise<RunRow[]> {
    this.count("listRuns");
    const ns = o.namespace;
    const rows = (await this.rows(flow)).filter(
      (r) => (ns === null || r.tags.includes(ns)) && (o.tags ?? []).every((t) => r.tags.includes(t)) && (!o.successfulOnly || r.successful),
    );
    const start = o.offset ?? 0;
    return rows.slice(start, o.limit === undefined ? undefined : start + o.limit);
  }

  async getRun(flow: string, runId: string): Promise<RunRow | undefined> {
    this.count("getRun");
    return /^[0-9]+$/.test(runId) ? this.row(flow, runId) : undefined;
  }

  async countRuns(flow: string | null, ns: string | null): Promise<number> {
    this.count("countRuns");
    const flows = flow === null ? await this.ds.listFlows() : [flow];
    let n = 0;
    for (const f of flows) n += (await this.rows(f)).filter((r) => ns === null || r.tags.includes(ns)).length;
    return n;
  }

  async listNamespaces(): Promise<{ namespace: string; runs: number }[]> {
    this.count("listNamespaces");
    const counts = new Map<string, number>();
    for (const f of await this.ds.listFlows()) for (const r of await this.rows(f)) for (const t of r.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [...counts].map(([namespace, runs]) => ({ namespace, runs })).sort((a, b) => a.namespace.localeCompare(b.namespace));
  }

  async querySql(sql: string, options: { namespace: string | null }): Promise<Record<string, unknown>[]> {
    this.count("querySql");
    return [{ sql, namespace: options.namespace }];
  }

  async close(): Promise<void> {}
}
