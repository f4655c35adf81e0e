import { FlowSpec, step } from "tsflow";
// @ts-expect-error: the point of the fixture
import { helper } from "./no-such-helper.js";

/** Imports a local file that does not exist. */
export class MissingFileFlow extends FlowSpec {
  @step start() {
    console.log(helper);
    this.next(this.end);
  }

  @step end() {}
}
