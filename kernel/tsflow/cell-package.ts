/**
 * The code package of a flow defined in notebook cells: one ES module that declares the flow class
 * and everything it uses, assembled from the cells that ran. A cell's top-level statements are
 * imports, declarations and the rest (expression statements, loops: what printed or ran a flow);
 * only imports and declarations are kept, and only those the class reaches through the names it
 * uses, transitively. A name is resolved to the latest cell that declares it, as the kernel's own
 * scope does. Remote workers then run the class exactly as they run a flow file.
 */
import type * as TS from "typescript";
import type { ExecutedCell } from "../execute/cell-log.js";
import { analyzeCell, type CellUnit } from "./cell-units.js";

/** The module packaged for a flow class. */
export interface CellPackage {
  /** TypeScript of an ES module that exports the class. */
  source: string;
  /** The labels of the cells it took something from, in execution order. */
  cells: string[];
}

const BRAND = Symbol.for("tsflow.kernel.CellPackageError");

/** A flow class whose cells cannot be packaged: it uses names no cell that ran declares. */
export class CellPackageError extends Error {
  /** The stable code of this error. */
  readonly code = "CELL_PACKAGE";
  /** Shown before the message. */
  readonly headline = "Cannot package the notebook's flow";
  override name = "CellPackageError";

  constructor(
    message: string,
    /** The flow class being packaged. */
    readonly flow: string,
    /** The names the class needs that no executed cell declares. */
    readonly missing: readonly string[] = [],
  ) {
    super(message);
    Object.defineProperty(this, BRAND, { value: true });
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

// Free names that are neither cells' declarations nor properties of globalThis, yet always defined.
const ALWAYS_DEFINED = new Set(["arguments", "require"]);

/**
 * Packages the declarations `className` needs from `cells`.
 * @throws CellPackageError when no cell declares the class, or when it uses a name no cell declares
 */
export function packageFlowCells(ts: typeof TS, cells: readonly ExecutedCell[], className: string): CellPackage {
  const units = cells.flatMap((cell, index) => analyzeCell(ts, cell.source).map((u) => ({ ...u, index })));
  const declaredBy = new Map<string, IndexedUnit>();
  for (const unit of units) for (const name of unit.declares) declaredBy.set(name, unit);
  const root = declaredBy.get(className);
  if (!root)
    throw new CellPackageError(
      `no cell that ran declares the flow class ${className}: run the cell with 'class ${className} extends FlowSpec { ... }' first (a cell that failed declares nothing).`,
      className,
    );
  const { order, missing } = dependencyOrder(root, declaredBy);
  if (missing.size) throw missingNames(className, missing, cells);
  const used = new Set(order.map((u) => u.index));
  const sideEffects = units.filter((u) => u.sideEffect && used.has(u.index));
  const body = [...new Set([...sideEffects, ...order].map((u) => u.text))].join("\n");
  const labels = [...used].sort((a, b) => a - b).map((i) => cells[i]!.label);
  return { source: `// ${className}, from notebook cells ${labels.join(", ")}\n${body}\nexport { ${className} };\n`, cells: labels };
}

type IndexedUnit = CellUnit & { index: number };

// Depth first, dependencies before their users, so a declaration's initializer finds what it reads.
function dependencyOrder(root: IndexedUnit, declaredBy: Map<string, IndexedUnit>): { order: IndexedUnit[]; missing: Map<string, number> } {
  const order: IndexedUnit[] = [];
  const seen = new Set<IndexedUnit>();
  const missing = new Map<string, number>();
  const visit = (unit: IndexedUnit): void => {
    if (seen.has(unit)) return;
    seen.add(unit);
    for (const name of unit.uses) {
      const dep = declaredBy.get(name);
      if (dep) visit(dep);
      else if (!(name in globalThis) && !ALWAYS_DEFINED.has(name) && !missing.has(name)) missing.set(name, unit.index);
    }
    order.push(unit);
  };
  visit(root);
  return { order, missing };
}

function missingNames(className: string, missing: Map<string, number>, cells: readonly ExecutedCell[]): CellPackageError {
  const names = [...missing.keys()];
  const where = [...missing].map(([name, index]) => `'${name}' (used in ${cells[index]!.label})`).join(", ");
  return new CellPackageError(
    `${className} needs ${where}, which no cell that ran declares, so remote workers could not define ${names.length > 1 ? "them" : "it"}. ` +
      "Declare it in a cell (with const, function, class or import) and run that cell; a cell that failed, and a name a magic bound, do not count.",
    className,
    names,
  );
}
