/**
 * The runtime's `ArtifactStore` over a datastore root: values go to the content-addressed object
 * store; reads made by steps (`this.x`, synchronous) decode the object file directly.
 */
import { readFileSync } from "node:fs";
import { ObjectStore } from "../store/object-store.js";
import { arrowCodecSync, decodeJson, loadArrowCodec } from "../store/codec/index.js";
import type { Datastore } from "../store/datastore.js";
import { keys } from "../store/layout.js";
import type { ArtifactRef } from "../store/records.js";
import { DatastoreError } from "../util/errors.js";
import type { ArtifactStore } from "./artifact-store.js";

/** Makes the artifact store tasks use for a datastore. */
export function createArtifactStore(ds: Datastore): ArtifactStore {
  const objects = new ObjectStore(ds.storage);
  const pathOf = (ref: ArtifactRef) => {
    const local = ds.storage.localPath?.(keys.object(ref.sha));
    if (!local) throw new DatastoreError(`This datastore (${ds.location}) has no local files: artifacts cannot be read synchronously.`);
    return local;
  };
  return {
    put: (value, context) => objects.put(value, context),
    loadSync: (ref) => {
      const bytes = readFileSync(pathOf(ref));
      return ref.format === "arrow" ? arrowCodecSync().decodeArrowBytes(bytes) : decodeJson(bytes);
    },
    prepare: async (refs) => {
      for (const ref of refs) if (ref.format === "arrow") return void (await loadArrowCodec());
    },
  };
}
