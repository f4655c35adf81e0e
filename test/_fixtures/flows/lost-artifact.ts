// A join that does not merge: reading an artifact no input carries fails loudly (Metaflow raises
// AttributeError); what the step sets, `_` names and never-set fields stay readable.
import { FlowSpec, step, type Inputs } from "tsflow";

export class LostArtifactFlow extends FlowSpec {
  total = 0;
  label = "default";
  maybe?: string;
  report = "";
  _scratch = "kept local";

  @step start() {
    this.total = 42;
    this.next(this.a, this.b);
  }
  @step a() {
    this.next(this.join);
  }
  @step b() {
    this.next(this.join);
  }
  @step join(_inputs: Inputs<LostArtifactFlow>) {
    this.label = "set in the join";
    this.next(this.end);
  }
  @step end() {
    const checks = [
      `in=${"total" in this}`,
      `label=${this.label}`,
      `maybe=${this.maybe === undefined}`,
      `local=${this._scratch}`,
    ];
    this.report = checks.join(" ");
    console.log(this.report);
    if (process.env.READ_LOST === "1") console.log(`total=${this.total}`);
    if (process.env.READ_LOST === "set") {
      this.total = 7;
      console.log(`total=${this.total}`);
    }
  }
}
