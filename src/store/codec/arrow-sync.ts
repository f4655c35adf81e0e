/**
 * Synchronous decoding of a stored Arrow IPC object, for artifacts a step reads through `this.x`
 * (property reads are synchronous). The file is read once into one buffer that the table views.
 */
import { readFileSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";

/** Reads an Arrow IPC file synchronously as a `Table`. */
export function readArrowFileSync(file: string): unknown {
  return tableFromIPC(readFileSync(file));
}
