/**
 * The runtime's `ArtifactStore` over a datastore root: values go to the content-addressed object
 * store; reads made by steps (`this.x`, synchronous) decode the object file directly. On a backend
 * without local files (S3), `prepare` downloads the task's inherited objects first (16 in flight)
 * and `loadSync` decodes those bytes: the decoded table's vectors are views of them, one copy.
 */
import { readFileSync } from "node:fs";
import { ObjectStore } from "../store/object-store.js";
import { arrowCodecSync, decodeJson, loadArrowCodec } from "../store/codec/index.js";
import type { Datastore } from "../store/datastore.js";
import { keys } from "../store/layout.js";
import type { ArtifactRef } from "../store/records.js";
import { DatastoreError } from "../util/errors.js";
import { mapLimit } from "../util/concurrency.js";
import { readWhole } from "../store/random-access.js";
import type { ArtifactStore } from "./artifact-store.js";

/** Makes the artifact store tasks use for a datastore. */
export function createArtifactStore(ds: Datastore): ArtifactStore {
  const objects = new ObjectStore(ds.storage);
  const local = ds.storage.localPath !== undefined;
  const fetched = new Map<string, Uint8Array>();
  const bytesOf = (ref: ArtifactRef): Uint8Array => {
    if (local) return readFileSync(ds.storage.localPath!(keys.object(ref.sha)));
    const bytes = fetched.get(ref.sha);
    if (!bytes) throw new DatastoreError(`Artifact object ${ref.sha} was not fetched from ${ds.location} before the step read it.`);
    return bytes;
  };
  return {
    put: (value, context) => objects.put(value, context),
    loadSync: (ref) => {
      const bytes = bytesOf(ref);
      return ref.format === "arrow" ? arrowCodecSync().decodeArrowBytes(bytes) : decodeJson(bytes);
    },
    prepare: async (refs) => {
      const all = [...refs];
      if (all.some((r) => r.format === "arrow")) await loadArrowCodec();
      if (local) return;
      const missing = [...new Map(all.filter((r) => !fetched.has(r.sha)).map((r) => [r.sha, r])).values()];
      await mapLimit(missing, 16, async (ref) => void fetched.set(ref.sha, await fetchObject(ds, ref)));
    },
  };
}

async function fetchObject(ds: Datastore, ref: ArtifactRef): Promise<Uint8Array> {
  if (ref.format === "json") {
    const bytes = await ds.storage.read(keys.object(ref.sha));
    if (bytes === undefined) throw new DatastoreError(`Object ${ref.sha} is missing from the datastore at ${ds.location}: the datastore is incomplete.`);
    return bytes;
  }
  // readsAll: a cached root (s3://) fetches the object into the local artifact cache, once per machine.
  const file = await ds.storage.openRandomAccess(keys.object(ref.sha), { readsAll: true });
  try {
    return await readWhole(file);
  } finally {
    await file.close();
  }
}
