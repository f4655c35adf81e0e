// Preloaded with `node --import` where a small tmpfs cannot be mounted: after ENOSPC_AFTER_WRITES
// writes under the datastore root, every file write there fails the way a full disk makes it fail
// (ENOSPC), by writing to /dev/full instead.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const root = process.env.TSFLOW_DATASTORE_ROOT ?? "";
const writeFile = fs.promises.writeFile;
let allowed = Number(process.env.ENOSPC_AFTER_WRITES ?? 20);
fs.promises.writeFile = async (file, ...rest) =>
  String(file).startsWith(root) && --allowed < 0 ? writeFile("/dev/full", ...rest) : writeFile(file, ...rest);
syncBuiltinESMExports();
