/**
 * The TypeScript compiler as tslab's modules see it: the same module, without two per-cell costs
 * tslab pays that its use does not need, and with source maps. tslab reads the compiler's exports
 * through getters at each use, so the adapter puts this view in `require.cache` before any tslab
 * module loads.
 *
 * 1. tslab's second pass over a compiled cell (`esModuleToCommonJSModule`, its only `transpileModule`
 *    call, on a file it names `custom.js`) goes to sucrase (`esmToCommonJs`): 0.1 ms instead of a
 *    program and a type checker per cell (2.5–3.6 ms).
 * 2. tslab's watch program builds an "emit and semantic diagnostics" builder per cell. That builder's
 *    state maps the references of every file in the program (the standard library, @types/node, the
 *    tsflow typings: 4–12 ms a cell, growing with the notebook's declarations), and tslab uses it for
 *    one thing: `getAllDependencies(cell)`, to find the local source files a cell imports. The view
 *    gives the watch a plain builder and answers that question by walking the cell's own imports.
 * 3. Cells and the local files they import compile with inline source maps, which `cell-scripts.ts`
 *    keeps for stack traces.
 *
 * Everything here targets TypeScript 5.0 (tslab's pinned compiler); the kernel's engine tests cover
 * each path (live bindings, local imports, declarations across cells).
 */
import { log } from "../log.js";
import { rememberCompiledMap } from "./cell-scripts.js";
import { esmToCommonJs } from "./esm-to-cjs.js";

/** The parts of a TypeScript source file this view reads (internal fields of TypeScript 5.0). */
interface SourceFileLike {
  fileName: string;
  resolvedPath: string;
  imports?: readonly { text: string }[];
  referencedFiles?: readonly { fileName: string }[];
  resolvedTypeReferenceDirectiveNames?: { forEach(fn: (r: { resolvedTypeReferenceDirective?: { resolvedFileName?: string } } | undefined) => void): void };
}
interface ProgramLike {
  getTypeChecker(): unknown;
  getSourceFile(fileName: string): SourceFileLike | undefined;
  getSourceFileByPath(path: string): SourceFileLike | undefined;
}
interface BuilderLike {
  getProgram(): ProgramLike;
  getAllDependencies(file: SourceFileLike): readonly string[];
}
interface WatchHostLike {
  createProgram: (...args: unknown[]) => BuilderLike;
}
/** The compiler's members this view uses or replaces. */
export interface CompilerLike {
  version: string;
  ModuleKind: { CommonJS: number };
  transpileModule(input: string, options: { fileName?: string; compilerOptions?: { module?: number } }): { outputText: string };
  createWatchCompilerHost(...args: unknown[]): WatchHostLike;
  createAbstractBuilder(...args: unknown[]): BuilderLike;
  getResolvedModule(file: SourceFileLike, name: string, mode: unknown): { resolvedFileName?: string } | undefined;
  getModeForUsageLocation(file: SourceFileLike, usage: unknown): unknown;
  resolveTripleslashReference(moduleName: string, containingFile: string): string;
  BuilderState: { getAllDependencies(state: { referencedMap: ReferencedMap }, program: ProgramLike, file: SourceFileLike): readonly string[] };
}
/** tslab compiles a cell as `export {};` and a newline, then the cell. */
const TSLAB_CELL_PREFIX_LINES = 1;

type ReferencedMap = { getValues(path: string): ReadonlySet<string> };

/** The view of `ts` that tslab's modules should get. */
export function compilerViewForTslab<T extends CompilerLike>(ts: T): T {
  let rootDir: string | undefined; // tslab's compile options name it (the notebook's folder)
  const transpileModule: CompilerLike["transpileModule"] = (input, options) => {
    if (options.fileName !== "custom.js" || options.compilerOptions?.module !== ts.ModuleKind.CommonJS) return ts.transpileModule(input, options);
    return { outputText: esmToCommonJs(rememberCompiledMap(input, { cellLinesBefore: TSLAB_CELL_PREFIX_LINES, rootDir })) };
  };
  const plain = hasBuilderInternals(ts);
  if (!plain) log("info", `TypeScript ${ts.version} lacks the internals the kernel's plain builder uses; tslab's own builder is kept`);
  const createWatchCompilerHost: CompilerLike["createWatchCompilerHost"] = (rootFiles, options, ...rest) => {
    rootDir ??= (options as { rootDir?: string }).rootDir;
    // An inline source map lets a stack frame in a cell be traced to the cell's line (cell-scripts.ts).
    const host = ts.createWatchCompilerHost(rootFiles, { ...(options as object), inlineSourceMap: true }, ...rest);
    if (plain) host.createProgram = (...programArgs) => plainBuilder(ts, programArgs);
    return host;
  };
  const replaced: Record<PropertyKey, unknown> = { transpileModule, createWatchCompilerHost };
  return new Proxy(ts, { get: (target, key) => (Object.hasOwn(replaced, key) ? replaced[key] : Reflect.get(target, key)) });
}

/** Whether `ts` has the TypeScript 5.0 internals `plainBuilder` and `lazyReferences` call. */
function hasBuilderInternals(ts: CompilerLike): boolean {
  const fns = [ts.createAbstractBuilder, ts.getResolvedModule, ts.getModeForUsageLocation, ts.resolveTripleslashReference, ts.BuilderState?.getAllDependencies];
  return fns.every((fn) => typeof fn === "function");
}

/** A builder without incremental state, whose `getAllDependencies` follows only the files reached from the one asked about. */
function plainBuilder(ts: CompilerLike, args: unknown[]): BuilderLike {
  const builder = ts.createAbstractBuilder(...args);
  const program = builder.getProgram();
  program.getTypeChecker(); // binds every file, as the builder state did: tslab reads a cell's locals before asking for diagnostics
  const referencedMap = lazyReferences(ts, program);
  // TypeScript's own walk (and its rule that a script, which can see every global, depends on every file).
  builder.getAllDependencies = (file) => ts.BuilderState.getAllDependencies({ referencedMap }, program, file);
  return builder;
}

/**
 * The files each file refers to (imports, `/// <reference>`s, type reference directives), computed
 * when first asked for. Unlike the builder's map, it leaves out the edges to every declaration of an
 * ambient module that several files declare (e.g. `declare module "fs"`): those lead only to
 * declaration files, never to the local sources tslab looks for.
 */
function lazyReferences(ts: CompilerLike, program: ProgramLike): ReferencedMap {
  const known = new Map<string, Set<string>>();
  return {
    getValues(path) {
      let refs = known.get(path);
      if (refs) return refs;
      known.set(path, (refs = new Set()));
      const file = program.getSourceFileByPath(path);
      if (!file) return refs;
      const add = (fileName: string | undefined) => {
        const target = fileName === undefined ? undefined : program.getSourceFile(fileName);
        if (target) refs.add(target.resolvedPath);
      };
      for (const name of file.imports ?? []) add(ts.getResolvedModule(file, name.text, ts.getModeForUsageLocation(file, name))?.resolvedFileName);
      for (const ref of file.referencedFiles ?? []) add(ts.resolveTripleslashReference(ref.fileName, file.fileName));
      file.resolvedTypeReferenceDirectiveNames?.forEach((r) => {
        add(r?.resolvedTypeReferenceDirective?.resolvedFileName);
      });
      return refs;
    },
  };
}
