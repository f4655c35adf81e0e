/**
 * The `MagicRegistry` holds the kernel's magics by kind and name, and turns an unknown name into a
 * `UsageError` that suggests the closest names.
 */
import type { Magic, MagicLookup } from "./magic.js";
import { UsageError } from "./usage-error.js";

/** A set of magics, line and cell kinds kept apart (`%time` and `%%time` may both exist). */
export class MagicRegistry implements MagicLookup {
  private readonly magics = new Map<string, Magic>();

  /** Adds (or replaces) a magic. */
  add(magic: Magic): this {
    this.magics.set(key(magic.kind, magic.name), magic);
    return this;
  }

  find(kind: Magic["kind"], name: string): Magic | undefined {
    return this.magics.get(key(kind, name));
  }

  list(): Magic[] {
    return [...this.magics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Finds a magic or throws a `UsageError` naming close matches. */
  require(kind: Magic["kind"], name: string): Magic {
    const found = this.find(kind, name);
    if (found) return found;
    const prefix = kind === "line" ? "%" : "%%";
    const label = kind === "line" ? "Line" : "Cell";
    if (name === "") throw new UsageError(`${prefix} must be followed by a magic name. Use %lsmagic to list them.`);
    const other = this.find(kind === "line" ? "cell" : "line", name);
    const hint = other
      ? ` Did you mean ${kind === "line" ? "%%" : "%"}${name}?`
      : suggest(
          name,
          this.list()
            .filter((m) => m.kind === kind)
            .map((m) => m.name),
          prefix,
        );
    throw new UsageError(`${label} magic function ${prefix}${name} not found.${hint} Use %lsmagic to list magics.`);
  }
}

function key(kind: Magic["kind"], name: string): string {
  return `${kind}:${name}`;
}

function suggest(name: string, names: string[], prefix: string): string {
  const close = names.filter((n) => distance(n, name) <= Math.max(1, Math.floor(name.length / 3)));
  return close.length ? ` Did you mean ${close.map((n) => prefix + n).join(" or ")}?` : "";
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j] as number;
      row[j] = Math.min(here + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length] as number;
}
