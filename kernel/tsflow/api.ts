/**
 * The part of tsflow's public API the kernel uses, as the library itself declares it: every type
 * here is imported from the public entry (`tsflow`, resolved to the sources by the `tsflow-source`
 * condition when type-checking, so no build is needed), and `TsflowApi` is picked from the module's
 * own type, so a change to the library that breaks the kernel fails to compile. At run time the
 * kernel still reaches the library only through `import("tsflow")`, checked by `asTsflowApi`.
 */
import type * as Tsflow from "tsflow";

/** A client object (`Flow`, `Run`, `Step`, `Task`, `DataArtifact`) as the kernel sees it. */
export type ClientObjectLike = Tsflow.ClientObject;

/** A run: a client object with status, tag operations and lineage. */
export type RunLike = Tsflow.RunObject;

/** A run another run read, with what was read (`run.lineage()`). */
export type UpstreamRunLike = Tsflow.UpstreamRun;

/** A pin of the active pin file. */
export type PinLike = Tsflow.Pin;

/** What a run returned through a pin carries. */
export type PinStatusLike = Tsflow.PinStatus;

/** A preview of an Arrow table the library read without loading it. */
export type ArrowPreviewLike = Tsflow.ArrowPreview;

/** An artifact: a client object whose value loads when `data` is awaited, or previews if it is Arrow. */
export type DataArtifactLike = Tsflow.DataArtifactObject;

/** An event of a running flow (`runFlow`'s `onEvent`). */
export type RunEventLike = Tsflow.RunEvent;

/** The result of `querySql`. */
export type SqlResultLike = Tsflow.SqlResult;

/** A flow class (a subclass of `FlowSpec`). */
export type FlowClass = Tsflow.FlowClass;

/** One parameter of a flow class, as the library describes it. */
export type ParameterInfoLike = Tsflow.ParameterInfo;

/** One step of a flow graph, as the library describes it. */
export type GraphStep = Pick<Tsflow.GraphStepInfo, "name" | "next" | "foreach">;

/** The library's exports the kernel calls; `asTsflowApi` refuses a module that lacks one. */
const REQUIRED = [
  "namespace",
  "getNamespace",
  "defaultNamespace",
  "Flow",
  "Run",
  "Step",
  "Task",
  "DataArtifact",
  "listFlows",
  "listRuns",
  "listNamespaces",
  "querySql",
  "runFlow",
  "FlowSpec",
  "flowGraph",
  "listNamespacesOf",
  "flowParameters",
  "usePins",
  "getPinFile",
  "listPins",
  "pin",
  "unpin",
  "pinStatus",
  "diffRuns",
] as const satisfies readonly (keyof typeof Tsflow)[];

/** The functions of "tsflow" the kernel calls, with the library's own signatures. */
export type TsflowApi = Pick<typeof Tsflow, (typeof REQUIRED)[number]>;

/** Tells whether `value` is a flow class (a subclass of the library's `FlowSpec`, not `FlowSpec` itself). */
export function isFlowClass(api: Pick<TsflowApi, "FlowSpec">, value: unknown): value is FlowClass {
  return typeof value === "function" && (value as { prototype?: unknown }).prototype instanceof api.FlowSpec;
}

/** Returns the module as a `TsflowApi`, or undefined (naming what is missing) when it lacks a function. */
export function asTsflowApi(exports: Record<string, unknown>): { api?: TsflowApi; missing: string[] } {
  const missing = REQUIRED.filter((name) => typeof exports[name] !== "function");
  return missing.length ? { missing } : { api: exports as unknown as TsflowApi, missing };
}

const KIND_BRAND = Symbol.for("tsflow.client.kind");

/** True for a tsflow client object, from any copy of the library. */
export function isClientObject(value: unknown): value is ClientObjectLike {
  return typeof value === "object" && value !== null && typeof (value as Record<symbol, unknown>)[KIND_BRAND] === "string";
}

/** Describes a namespace for people: `user:alice`, or `global (all namespaces)`. */
export function describeNamespace(ns: string | null): string {
  return ns === null ? "global (all namespaces)" : ns;
}
