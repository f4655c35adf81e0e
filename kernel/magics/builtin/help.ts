/** `%help <magic>`: the usage, summary, options and help text of one magic. */
import type { Magic, MagicLookup } from "../magic.js";
import { UsageError } from "../usage-error.js";

/** The `%help` magic. */
export const help: Magic = {
  name: "help",
  kind: "line",
  summary: "Show how to use a magic.",
  usage: "%help <magic>",
  args: { positionals: { min: 1, max: 1 } },
  run(call, ctx) {
    ctx.out.print(`${helpText(ctx.registry, call.args.positionals[0] as string)}\n`);
  },
  completeArgs: ({ registry }) => registry.list().map((m) => m.name),
};

/** The help text of the magic written `name`, `%name` or `%%name`. */
export function helpText(registry: MagicLookup, written: string): string {
  const magic = resolve(registry, written);
  const lines = [`Usage: ${magic.usage}`, "", magic.summary];
  const options = Object.entries(magic.args.options ?? {});
  if (options.length) {
    lines.push("", "Options:");
    for (const [name, spec] of options)
      lines.push(`  ${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "flag" ? "" : ` <${spec.type === "integer" ? "n" : "value"}>`}`);
  }
  if (magic.help) lines.push("", magic.help);
  return lines.join("\n");
}

function resolve(registry: MagicLookup, written: string): Magic {
  const cell = written.startsWith("%%");
  const name = written.replace(/^%{1,2}/, "");
  const found = cell ? registry.find("cell", name) : (registry.find("line", name) ?? registry.find("cell", name));
  if (!found) throw new UsageError(`no magic named ${written}. Use %lsmagic to list magics.`, help.usage);
  return found;
}
