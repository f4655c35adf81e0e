import { FlowSpec, current, getNamespace, namespace, step } from "tsflow";
// Who a task runs as on a worker: the launcher's identity and default namespace, whatever the
// worker's own user is and whatever an earlier task in the same process switched to.
export class WhoFlow extends FlowSpec {
  seen: string[] = [];
  @step start() {
    this.seen = [String(getNamespace())];
    namespace("user:zed"); // not switched back: the next task must not inherit it
    this.next(this.after);
  }
  @step after() {
    this.seen = [...this.seen, String(getNamespace()), String(current.username)];
    this.next(this.end);
  }
  @step end() {}
}
