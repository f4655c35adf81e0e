/**
 * The live progress of a flow run in one updating display: run id, tasks done / running / failed,
 * each step's state and foreach k/N. Fed with `runFlow` events; renders at most every 100 ms.
 */
import { escapeHtml } from "../display/html.js";
import type { MagicOutput } from "../magics/magic.js";
import type { RunEventLike } from "./api.js";

interface StepState {
  started: number;
  done: number;
  failed: number;
  /** Expected tasks when the step is a foreach split's child (k/N). */
  expected?: number;
}

const THROTTLE_MS = 100;

/** Tracks one run and keeps its display up to date. */
export class RunProgress {
  private readonly steps = new Map<string, StepState>();
  private pathspec = "";
  private state: "starting" | "running" | "succeeded" | "failed" = "starting";
  private reason = "";
  private shown = false;
  private lastRender = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly displayId = `tsflow-progress-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly out: MagicOutput,
    private readonly flow: string,
  ) {}

  /** Handles one run event. */
  onEvent(e: RunEventLike): void {
    if (e.type === "run-started") [this.pathspec, this.state] = [`${e.flow}/${e.runId}`, "running"];
    else if (e.type === "task-started" && e.step) this.step(e.step).started++;
    else if (e.type === "task-finished" && e.step) this.finished(e.step, e);
    else if (e.type === "run-finished") [this.state, this.reason] = [e.success ? "succeeded" : "failed", e.reason ?? ""];
    else return;
    this.schedule(e.type === "run-finished");
  }

  /** Draws the current state now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.closed) this.render();
  }

  /** Draws the last state (if not drawn yet) and stops updating. */
  close(): void {
    if (this.timer !== undefined) this.flush();
    this.closed = true;
  }

  private closed = false;

  private finished(step: string, e: { success?: boolean; foreachCount?: number }): void {
    const s = this.step(step);
    if (e.success === false) s.failed++;
    else s.done++;
    if (e.foreachCount !== undefined) this.expectedChildren = e.foreachCount;
  }

  // A foreach split announces how many tasks its child step will run; the next new step takes it.
  private expectedChildren: number | undefined;

  private step(name: string): StepState {
    let s = this.steps.get(name);
    if (!s) {
      s = { started: 0, done: 0, failed: 0 };
      if (this.expectedChildren !== undefined) [s.expected, this.expectedChildren] = [this.expectedChildren, undefined];
      this.steps.set(name, s);
    }
    return s;
  }

  private schedule(now: boolean): void {
    const wait = THROTTLE_MS - (Date.now() - this.lastRender);
    if (now || wait <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, wait);
  }

  private render(): void {
    this.lastRender = Date.now();
    const totals = [...this.steps.values()].reduce(
      (t, s) => ({ done: t.done + s.done, failed: t.failed + s.failed, running: t.running + s.started - s.done - s.failed }),
      { done: 0, failed: 0, running: 0 },
    );
    const head = `${this.pathspec || this.flow} ${this.state}${this.reason ? ` (${this.reason})` : ""} · ${totals.done} tasks done, ${totals.running} running, ${totals.failed} failed`;
    const steps = [...this.steps].map(([name, s]) => `${name} ${s.failed ? "✗" : s.started > s.done ? "…" : "✓"} ${s.done}/${s.expected ?? s.started}`);
    const html = `<div class="tsflow-progress"><b>${escapeHtml(head)}</b><br><code>${steps.map(escapeHtml).join(" → ")}</code></div>`;
    this.out.display({ "text/html": html, "text/plain": `${head}\n${steps.join(" -> ")}` }, { displayId: this.displayId, update: this.shown });
    this.shown = true;
  }
}
