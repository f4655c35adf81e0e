/**
 * Runs ReliableFlow in this process (runtime and tasks together, as `runFlow` does) and kills itself
 * with SIGKILL at a chosen datastore write: `crash-at-write.ts <pattern> <n> <mode>` dies at the n-th
 * write whose key matches the RegExp `pattern`; `mode` is `before` (nothing of it written), `torn`
 * (half its bytes in the temporary file, as a crash inside write(2) leaves them) or `after` (written
 * completely, then killed before the next write).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { LocalStorage } from "../../../src/store/local-storage.js";
import { runFlow } from "../../../src/runner/run-flow.js";
import { ReliableFlow } from "../flows/reliable.js";

const [pattern, nth, mode] = process.argv.slice(2);
const re = new RegExp(pattern!);
let seen = 0;
const write = LocalStorage.prototype.write;
LocalStorage.prototype.write = async function (this: LocalStorage, key, data, options) {
  const hit = re.test(key) && ++seen === Number(nth);
  if (hit && mode === "before") process.kill(process.pid, "SIGKILL");
  if (hit && mode === "torn") {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    mkdirSync(dirname(this.localPath(key)), { recursive: true });
    writeFileSync(`${this.localPath(key)}.tmp-${process.pid}-torn`, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    process.kill(process.pid, "SIGKILL");
  }
  const result = await write.call(this, key, data, options);
  if (hit) process.kill(process.pid, "SIGKILL");
  return result;
};

await runFlow(ReliableFlow, { maxWorkers: 3, onEvent: () => {}, throwOnFailure: false });
console.log(`finished without reaching write ${nth} of /${pattern}/`);
