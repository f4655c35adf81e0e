import { FlowSpec, step, Parameter, Flow, DataArtifact, namespace, defaultNamespace, current } from "tsflow";

/** The flow that is read: stores a choice from $CHOICE (default 3). */
export class SourceFlow extends FlowSpec {
  choice?: number;
  label?: string;

  @step start() {
    this.label = "source";
    this.next(this.end);
  }
  @step end() {
    this.choice = Number(process.env.CHOICE ?? 3);
  }
}

/** Reads SourceFlow's latest successful run in another namespace (as the seed's AccessOtherNamespace does). */
export class ReaderFlow extends FlowSpec {
  ns = Parameter("ns", { default: "", help: "the namespace to read SourceFlow in ('' for global)" });
  seen?: number;
  label?: string;

  @step async start() {
    namespace(this.ns === "" ? null : this.ns);
    const run = await Flow("SourceFlow").latestSuccessfulRun;
    this.seen = (await run?.data.choice) as number;
    this.seen = (await run?.data.choice) as number; // read twice: recorded once
    namespace(defaultNamespace());
    this.next(this.end);
  }
  @step async end() {
    namespace(null);
    // Reading this run's own artifacts through the client is not lineage.
    const own = await DataArtifact(`ReaderFlow/${current.runId}/start/1/seen`);
    this.label = (await own.data) === this.seen ? "ok" : "?";
    namespace(defaultNamespace());
    if (process.env.FAIL_READER_END === "1") throw new Error("failing end on purpose");
  }
}
