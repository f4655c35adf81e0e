/** The magics backed by the tsflow library. */
import type { TsflowApi } from "../../tsflow/api.js";
import type { Magic } from "../magic.js";
import { diffMagic } from "./diff.js";
import { flowsMagic } from "./flows.js";
import { namespaceMagic } from "./namespace.js";
import { namespacesMagic } from "./namespaces.js";
import { lineageMagic } from "./lineage.js";
import { pinMagic, unpinMagic } from "./pin.js";
import { runMagic } from "./run.js";
import { runsMagic } from "./runs.js";
import { showMagic } from "./show.js";
import { sqlMagic } from "./sql.js";
import { tagMagic } from "./tag.js";
import { withNamespaceMagic } from "./with-namespace.js";

/** Every tsflow magic, bound to the library instance `api`. */
export function tsflowMagics(api: TsflowApi): Magic[] {
  return [
    namespaceMagic,
    withNamespaceMagic,
    namespacesMagic,
    flowsMagic,
    runsMagic,
    showMagic,
    tagMagic,
    runMagic,
    sqlMagic,
    pinMagic,
    unpinMagic,
    lineageMagic,
    diffMagic,
  ].map((make) => make(api));
}
