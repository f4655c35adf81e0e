// Metaflow's merge_artifacts.py and merge_artifacts_include.py: a failed merge sets nothing,
// include and exclude are exclusive, set values win, excluded names are not merged.
import assert from "node:assert/strict";
import { FlowSpec, step, current, MergeConflictError, MergeMissingError, MissingArtifactError, StepError, type Inputs } from "tsflow";

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: { code?: string }) => e.code === code);
}

export class MergeFidelityFlow extends FlowSpec {
  nonModifiedPassdown?: string;
  modifiedToSameValue?: string;
  manualMergeRequired?: string;
  ignoreMe?: string;
  onlyInA?: number;

  @step start() {
    this.nonModifiedPassdown = "a";
    this.modifiedToSameValue = "b";
    this.manualMergeRequired = "c";
    this.ignoreMe = "d";
    this.next(this.a, this.b);
  }
  @step a() {
    this.manualMergeRequired = current.taskId;
    this.ignoreMe = current.taskId;
    this.modifiedToSameValue = "e";
    this.onlyInA = 1;
    assert.equal(this.nonModifiedPassdown, "a");
    this.next(this.join);
  }
  @step b() {
    this.manualMergeRequired = current.taskId;
    this.ignoreMe = current.taskId;
    this.modifiedToSameValue = "e";
    this.next(this.join);
  }
  @step join(inputs: Inputs<MergeFidelityFlow>) {
    throwsCode(() => this.mergeArtifacts(inputs), MergeConflictError.code);
    // Nothing is set by a failed merge, not even what would have merged cleanly.
    assert.equal("nonModifiedPassdown" in this, false);
    throwsCode(() => this.nonModifiedPassdown, MissingArtifactError.code);
    throwsCode(() => this.mergeArtifacts(inputs, { exclude: ["ignoreMe"], include: ["nonModifiedPassdown"] }), StepError.code);
    this.manualMergeRequired = current.taskId;
    throwsCode(() => this.mergeArtifacts(inputs, { include: ["manualMergeRequired", "foobar"] }), MergeMissingError.code);
    assert.equal("nonModifiedPassdown" in this, false);
    this.mergeArtifacts(inputs, { exclude: ["ignoreMe"] });
    assert.equal(this.nonModifiedPassdown, "a");
    assert.equal(this.modifiedToSameValue, "e");
    assert.equal(this.manualMergeRequired, current.taskId);
    assert.equal(this.onlyInA, 1, "an artifact of one branch only is merged");
    assert.equal("ignoreMe" in this, false);
    this.next(this.end);
  }
  @step end() {
    throwsCode(() => this.mergeArtifacts([] as unknown as Inputs), StepError.code);
    assert.equal(this.nonModifiedPassdown, "a");
    assert.equal(this.modifiedToSameValue, "e");
    assert.ok("manualMergeRequired" in this);
  }
}
