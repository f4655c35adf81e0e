import { FlowSpec, step } from "tsflow";
// @ts-expect-error: the point of the fixture
import { pad } from "tsflow-no-such-package/pad";

/** Imports a package that is not installed. */
export class MissingImportFlow extends FlowSpec {
  @step start() {
    console.log(pad);
    this.next(this.end);
  }

  @step end() {}
}
