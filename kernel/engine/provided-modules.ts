/**
 * Gives cell code (and local files it imports) the kernel's own instance of a module, e.g. `tsflow`,
 * whatever folder the notebook is in. tslab turns every `import` into `require`, and every such
 * `require` goes through `Module.prototype.require`; only the exact ids registered here are
 * answered, everything else is left to Node.
 */
import Module from "node:module";

const provided = new Map<string, unknown>();
const redirected = new Map<string, string>();
let installed = false;

/** Makes `require(id)` return `exports` in this process, from any file. */
export function provideModule(id: string, exports: unknown): void {
  provided.set(id, exports);
  install();
}

/**
 * Makes `require(id)` load the file `path` instead, from any file. Used to give cells the ESM build
 * of a dual package the library imports (e.g. apache-arrow): `require` of an ESM file shares the
 * instance `import` made, where `require(id)` would load the separate CommonJS build, whose objects
 * the library does not recognise.
 */
export function redirectModule(id: string, path: string): void {
  redirected.set(id, path);
  install();
}

function install(): void {
  if (installed) return;
  installed = true;
  const original = Module.prototype.require;
  const hooked = function (this: Module, request: string) {
    if (provided.has(request)) return provided.get(request);
    return original.call(this, redirected.get(request) ?? request);
  };
  Module.prototype.require = Object.assign(hooked, original) as typeof original;
}
