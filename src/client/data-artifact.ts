/**
 * `DataArtifact`: one value a task stored, as a reference (sha, size, format) whose value is loaded
 * from the object store when `data` is awaited; an Arrow table can also be previewed without loading it.
 */
import type { ArtifactRef } from "../store/records.js";
import type { ArrowPreview } from "../store/object-store.js";
import { UsageError } from "../util/errors.js";
import { branded, CLIENT_OBJECT_MEMBERS, ClientObject } from "./client-object.js";
import type { ReadContext, RunHandle } from "./context.js";
import { installMembers, lookupHandle, memberList, ObjectPromise, type HandleMembers } from "./handle.js";
import { LazyPromise } from "./lazy-promise.js";
import { notFound } from "./model.js";
import { registerLoader, type LoadRequest } from "./registry.js";
import { checkNamespace, runStateFor } from "./run-state.js";
import { noteRead } from "./lineage.js";
import { readTaskSnapshot, type TaskLookupOptions, type TaskSnapshot } from "./task-snapshot.js";

/**
 * A `DataArtifactObject` is one artifact of a `Task`, the bottom of the client model (no children).
 * Its reference fields are synchronous; `data` loads the value once, when first awaited.
 */
export class DataArtifactObject extends ClientObject<never> {
  readonly #ref: ArtifactRef;
  #data: Promise<unknown> | undefined;

  /** @internal Use `DataArtifact(pathspec)` or `task.get(name)`. */
  constructor(ctx: ReadContext, run: RunHandle, parts: string[], ref: ArtifactRef, requested: number | undefined) {
    super({ kind: "DataArtifact", parts, ctx, createdAt: new Date(ref.createdAt), run, attempt: requested });
    this.#ref = ref;
  }

  /** The artifact's value, loaded from the object store when first awaited. */
  get data(): Promise<unknown> {
    noteRead(this.pathspec, this.namespace);
    return (this.#data ??= LazyPromise.from(() => this.ctx.backend.objects.get(this.#ref)));
  }

  /**
   * Previews an artifact stored as an Arrow table without loading the table: its schema, row count and
   * first `rows` rows (plain values). Only the file's footer, its batch headers and the first batch
   * bodies are read, so a 2-million-row table costs one record batch; `batchesRead` of `numBatches`
   * says how many were decoded. Nothing is cached: each call reads again.
   * @param rows - how many rows to return. @default 10
   * @returns the preview: `{ schema: [{ name, type }], numRows, rows, numBatches, batchesRead }`.
   * @throws UsageError when the artifact is stored as JSON (read `data` instead) or `rows` is not a count.
   * @throws DatastoreError when the stored object is missing or damaged.
   * @example
   * const features = await DataArtifact(`TrainFlow/${run.id}/end/3/features`);
   * const { schema, numRows, rows } = await features.preview(5);
   */
  async preview(rows = 10): Promise<ArrowPreview> {
    if (this.format !== "arrow") {
      throw new UsageError(`${this} is stored as ${this.format}, not as an Arrow table: read its value with 'await artifact.data' instead.`);
    }
    if (!Number.isSafeInteger(rows) || rows < 0) throw new UsageError(`preview(rows) needs a whole number of rows (0 or more), got ${String(rows)}.`);
    noteRead(this.pathspec, this.namespace);
    return this.ctx.backend.objects.loadArrowPreview(this.#ref, rows);
  }

  /** The SHA-256 of the stored bytes (hex). */
  get sha(): string {
    return this.#ref.sha;
  }

  /** The size of the stored bytes. */
  get size(): number {
    return this.#ref.size;
  }

  /** How the value is stored: `json` or `arrow`. */
  get format(): "json" | "arrow" {
    return this.#ref.format;
  }

  /** A short description of the value's type (`number`, `Array`, `arrow.Table`...). */
  get type(): string {
    return this.#ref.type;
  }

  protected async *listChildren(): AsyncGenerator<never> {}

  protected override summary(): Record<string, unknown> {
    return { sha: this.sha, size: this.size, format: this.format, type: this.type };
  }
}

/**
 * Makes the artifact `parts[4]` of a task snapshot (no I/O).
 * @throws NotFoundError when the task's attempt has no artifact of that name.
 */
export function artifactOfSnapshot(ctx: ReadContext, run: RunHandle, parts: string[], snap: TaskSnapshot, requested: number | undefined): DataArtifactObject {
  const ref = snap.artifacts[parts[4]!];
  if (!ref) throw notFound("DataArtifact", parts.join("/"), requested);
  return new DataArtifactObject(ctx, run, parts, ref, requested);
}

async function loadArtifact(ctx: ReadContext, request: LoadRequest): Promise<DataArtifactObject> {
  const run = await runStateFor("DataArtifact", ctx, request);
  const snap = await readTaskSnapshot(ctx, request.parts.slice(0, 4), request.attempt);
  const ref = snap?.artifacts[request.parts[4]!];
  if (!ref) throw notFound("DataArtifact", request.parts.join("/"), request.attempt);
  checkNamespace(ctx, run);
  return new DataArtifactObject(ctx, run, request.parts, ref, request.attempt);
}

registerLoader("DataArtifact", loadArtifact);

const ARTIFACT_MEMBERS = memberList<DataArtifactObject>()([...CLIENT_OBJECT_MEMBERS, "data", "preview", "sha", "size", "format", "type"]);

/**
 * What `DataArtifact(pathspec)` returns: a Promise of the `DataArtifactObject` that also answers its
 * members directly (`await DataArtifact(p).data` is the value, `await DataArtifact(p).preview(5)`).
 */
class DataArtifactPromise extends ObjectPromise<DataArtifactObject> {}
interface DataArtifactPromise extends HandleMembers<DataArtifactObject> {}
installMembers(DataArtifactPromise, { objectClass: DataArtifactObject, members: ARTIFACT_MEMBERS, dataView: false });
export { DataArtifactPromise };

/**
 * Reads an artifact by pathspec in the current namespace. A `DataArtifact` is one value of a `Task`.
 * @param pathspec `FlowName/RunID/StepName/TaskID/ArtifactName`.
 * @param options `attempt`: which attempt of the task to read (default: the newest).
 * @returns A lazy handle: a Promise of the `DataArtifact` that also answers its members.
 * @throws InvalidPathspecError `Expects DataArtifact('FlowName/RunID/StepName/TaskID/ArtifactName')` (before any I/O).
 * @throws NotFoundError `DataArtifact('F/R/end/2/nope') does not exist` (wins over a namespace mismatch).
 * @throws NamespaceMismatchError when the artifact's run is not in the namespace.
 * @example
 * const choice = await (await DataArtifact(`TeamCollabFlow/${run.id}/end/2/choice`)).data;
 */
export const DataArtifact = branded<DataArtifactObject, (pathspec: string, options?: TaskLookupOptions) => DataArtifactPromise>(
  "DataArtifact",
  function DataArtifact(pathspec: string, options: TaskLookupOptions = {}): DataArtifactPromise {
    return lookupHandle(DataArtifactPromise, "DataArtifact", pathspec, options?.attempt, loadArtifact);
  },
);

/** A `DataArtifact` object (the type of `await DataArtifact(pathspec)`). */
export type DataArtifact = DataArtifactObject;
