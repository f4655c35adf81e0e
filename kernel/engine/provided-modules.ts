/**
 * Gives cell code (and local files it imports) the kernel's own instance of a module, e.g. `tsflow`,
 * whatever folder the notebook is in. tslab turns every `import` into `require`, and every such
 * `require` goes through `Module.prototype.require`; only the exact ids registered here are
 * answered, everything else is left to Node.
 */
import Module from "node:module";

const provided = new Map<string, unknown>();
let installed = false;

/** Makes `require(id)` return `exports` in this process, from any file. */
export function provideModule(id: string, exports: unknown): void {
  provided.set(id, exports);
  if (installed) return;
  installed = true;
  const original = Module.prototype.require;
  const hooked = function (this: Module, request: string) {
    if (provided.has(request)) return provided.get(request);
    return original.call(this, request);
  };
  Module.prototype.require = Object.assign(hooked, original) as typeof original;
}
