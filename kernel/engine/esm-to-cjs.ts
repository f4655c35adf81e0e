/**
 * Turns a compiled cell (an ES module) into the CommonJS body the executor runs, with sucrase's
 * `imports` transform: ~0.1 ms a cell, where TypeScript's `transpileModule` (what tslab calls) builds
 * a program and a type checker for it every time, ~3 ms. Live bindings are kept: an exported variable
 * assigned later (in a callback, say) updates `exports` too, so the next cell reads the new value.
 */
import { createRequire } from "node:module";

type Transform = (code: string, options: { transforms: "imports"[]; keepUnusedImports: boolean }) => { code: string };

const require = createRequire(import.meta.url);
let transform: Transform | undefined;

// sucrase always opens its CommonJS output with this; tslab's cells and local modules run sloppy.
const USE_STRICT = '"use strict";';

/** The CommonJS form of the ES module `js`, without a `"use strict"` prologue. */
export function esmToCommonJs(js: string): string {
  transform ??= (require("sucrase") as { transform: Transform }).transform;
  // tslab's compile already dropped type-only imports; an import left in the output is there for its effects.
  const { code } = transform(js, { transforms: ["imports"], keepUnusedImports: true });
  return code.startsWith(USE_STRICT) ? code.slice(USE_STRICT.length) : code;
}
