/**
 * The artifact operations the runtime needs: store a value (content-addressed) and load one
 * synchronously, because a step reads `this.x` synchronously and artifacts load lazily on first read.
 */
import type { ArtifactRef } from "../store/records.js";

/** Stores and loads artifact values for tasks. */
export interface ArtifactStore {
  /** Stores a value; identical values are stored once. @throws ArtifactError when it cannot be stored faithfully. */
  put(value: unknown, context: { artifact: string; step: string }): Promise<ArtifactRef>;
  /** Loads a stored value synchronously (after `prepare` was awaited for it). */
  loadSync(ref: ArtifactRef): unknown;
  /** Makes `loadSync` able to decode these refs (loads the Arrow codec only when one is a table). */
  prepare(refs: Iterable<ArtifactRef>): Promise<void>;
}
