/**
 * Where the client reads from: a datastore root, its run index (every listing and lookup of runs)
 * and its object store (artifact values). One backend per root, opened lazily and shared.
 */
import type { Datastore } from "../store/datastore.js";
import { openDatastore, resolveDatastoreRoot } from "../store/root.js";
import type { ArtifactRef } from "../store/records.js";
import { RunIndex } from "../run-index/run-index.js";
import { ObjectStore, type ArrowPreview } from "../store/object-store.js";
import { clientState } from "./state.js";

/** The part of the run index the client uses (every listing and lookup of runs goes through it). */
export type RunIndexPort = Pick<
  RunIndex,
  | "listFlows"
  | "flowExists"
  | "listRuns"
  | "getRun"
  | "countRuns"
  | "listNamespaces"
  | "querySql"
  | "close"
  | "whereElse"
  | "rebuild"
  | "status"
  | "listTags"
  | "listRunIds"
  | "listConsumers"
  | "countNewerSuccessful"
>;

export type { RunRow, RunState, ListRunsQuery, SqlResult } from "../run-index/run-index.js";

/** The part of the object store the client uses: loading one artifact value, or previewing an Arrow one. */
export interface ObjectReaderPort {
  get(ref: Pick<ArtifactRef, "sha" | "format">): Promise<unknown>;
  loadArrowPreview(ref: Pick<ArtifactRef, "sha" | "format">, rows: number): Promise<ArrowPreview>;
}

/** A datastore root with its run index and object store. */
export interface ClientBackend {
  readonly root: string;
  readonly datastore: Datastore;
  /** The run index, opened on first use. */
  index(): Promise<RunIndexPort>;
  readonly objects: ObjectReaderPort;
}

/** Parts of a backend a caller may supply instead of the defaults (tests, tools). */
export interface BackendParts {
  datastore?: Datastore;
  openIndex?: (datastore: Datastore) => Promise<RunIndexPort>;
  objects?: ObjectReaderPort;
}

/**
 * Points the client at a datastore root (Metaflow's `metadata()`); `undefined` goes back to the
 * default root (`--datastore-root`, `TSFLOW_DATASTORE_ROOT`, or the nearest `.tsflow`).
 * Objects already in hand keep reading the root they came from.
 * @param root A directory; relative paths resolve against the working directory.
 * @returns The resolved root directory.
 * @example
 * useDatastore("/shared/team/.tsflow");
 */
export function useDatastore(root?: string): string {
  const resolved = root === undefined ? undefined : resolveDatastoreRoot(root);
  clientState().root = resolved;
  return resolved ?? resolveDatastoreRoot();
}

/** Returns the datastore root the client reads now. */
export function getDatastoreRoot(): string {
  return clientState().root ?? resolveDatastoreRoot();
}

/** Returns the backend of the current root, opening it once per root per process. */
export function currentBackend(): ClientBackend {
  const root = getDatastoreRoot();
  const backends = clientState().backends as Map<string, ClientBackend>;
  let backend = backends.get(root);
  if (!backend) backends.set(root, (backend = createBackend(root, {})));
  return backend;
}

/**
 * Installs a backend for a root built from the given parts (defaults for the rest) and returns it;
 * for tests and tools that bring their own index or object store.
 */
export function installBackend(root: string, parts: BackendParts): ClientBackend {
  const resolved = resolveDatastoreRoot(root);
  const backend = createBackend(resolved, parts);
  (clientState().backends as Map<string, ClientBackend>).set(resolved, backend);
  return backend;
}

/** Closes and forgets every open backend (their run indexes included). */
export async function closeBackends(): Promise<void> {
  const backends = clientState().backends as Map<string, ClientBackend>;
  const all = [...backends.values()];
  backends.clear();
  await Promise.all(all.map(async (b) => (await b.index()).close().catch(() => undefined)));
}

function createBackend(root: string, parts: BackendParts): ClientBackend {
  const datastore = parts.datastore ?? openDatastore(root);
  const opener = parts.openIndex ?? openDefaultIndex;
  let index: Promise<RunIndexPort> | undefined;
  return {
    root,
    datastore,
    index: () => {
      index ??= opener(datastore);
      // A failed open is not cached, so the next query retries.
      index.catch(() => (index = undefined));
      return index;
    },
    objects: parts.objects ?? defaultObjectReader(datastore),
  };
}

function openDefaultIndex(datastore: Datastore): Promise<RunIndexPort> {
  return RunIndex.open(datastore);
}

function defaultObjectReader(datastore: Datastore): ObjectReaderPort {
  return new ObjectStore(datastore.storage);
}
