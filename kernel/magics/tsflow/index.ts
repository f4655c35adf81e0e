/** The magics backed by the tsflow library. */
import type { TsflowApi } from "../../tsflow/api.js";
import type { Magic } from "../magic.js";
import type { FlowCodeOf } from "../../tsflow/notebook-code.js";
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

/** Every tsflow magic, bound to the library instance `api` (and `flowCode`, which packages notebook flows). */
export function tsflowMagics(api: TsflowApi, flowCode?: FlowCodeOf): Magic[] {
  return [
    namespaceMagic,
    withNamespaceMagic,
    namespacesMagic,
    flowsMagic,
    runsMagic,
    showMagic,
    tagMagic,
    (a: TsflowApi) => runMagic(a, flowCode),
    sqlMagic,
    pinMagic,
    unpinMagic,
    lineageMagic,
    diffMagic,
  ].map((make) => make(api));
}
