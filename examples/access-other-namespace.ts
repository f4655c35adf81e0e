import { FlowSpec, step, Parameter, Flow, namespace, defaultNamespace, getNamespace } from "tsflow";

/**
 * Reads another flow's latest successful run in another namespace, then switches back to its
 * own default namespace.
 */
export class AccessOtherNamespace extends FlowSpec {
  otherFlowName = Parameter("other-flow-name", { default: "TeamCollabFlow", help: "the flow to read" });
  otherNamespace = Parameter("other-namespace", { default: defaultNamespace(), help: "the namespace to read it in" });
  otherChoice?: number;

  /** Switches namespace, reads the other flow's choice, switches back. */
  @step async start() {
    console.log(`namespace at start of step: ${getNamespace()}`);
    namespace(this.otherNamespace);
    console.log(`switched to namespace: ${getNamespace()}`);
    const run = await Flow(this.otherFlowName).latestSuccessfulRun;
    console.log(`latestSuccessfulRun: ${run}`);
    this.otherChoice = (await run?.data.choice) as number | undefined;
    namespace(defaultNamespace());
    console.log(`back to namespace: ${getNamespace()}`);
    console.log(`Other flow's choice was ${this.otherChoice}`);
    this.next(this.end);
  }

  /** Shows what was read. */
  @step end() {
    console.log(`end: otherChoice=${this.otherChoice}`);
  }
}
