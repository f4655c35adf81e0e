/** `%namespaces`: every namespace with its run count; the current one is marked. */
import { describeNamespace, type TsflowApi } from "../../tsflow/api.js";
import { renderTable } from "../../display/table.js";
import type { Magic } from "../magic.js";

/** The `%namespaces` magic. */
export function namespacesMagic(api: TsflowApi): Magic {
  return {
    name: "namespaces",
    kind: "line",
    summary: "List the namespaces that have runs, with run counts.",
    usage: "%namespaces",
    args: {},
    async run(_call, ctx) {
      const current = api.getNamespace();
      const rows = (await api.listNamespaces()).map((n) => [n.namespace === current ? "→" : "", n.namespace, n.runs]);
      ctx.out.display(renderTable({ columns: ["", "namespace", "runs"], rows, caption: `Namespaces · current: ${describeNamespace(current)}` }));
    },
  };
}
