/** `%flows`: the flows with runs in the current namespace. */
import { describeNamespace, type TsflowApi } from "../../tsflow/api.js";
import { listingBundle } from "../../display/tsflow-formatters.js";
import type { Magic } from "../magic.js";

/** The `%flows` magic. */
export function flowsMagic(api: TsflowApi): Magic {
  return {
    name: "flows",
    kind: "line",
    summary: "List the flows that have runs in the current namespace.",
    usage: "%flows",
    args: {},
    async run(_call, ctx) {
      const flows = await api.listFlows();
      if (flows.length === 0)
        ctx.out.print(`No flows in namespace ${describeNamespace(api.getNamespace())}. %namespaces lists the namespaces that have runs.\n`);
      else ctx.out.display(listingBundle(flows, `Flows in namespace ${describeNamespace(api.getNamespace())}`));
    },
  };
}
