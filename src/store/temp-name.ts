/**
 * The name a write is staged under before it is renamed into place: `<target>.tmp-<pid>-<random>`.
 * Such a file is never a value; one left by a killed writer is garbage (`tsflow gc`).
 */
import { randomBytes } from "node:crypto";

const TEMP_NAME = /\.tmp-\d+-[0-9a-f]+$/;

/** A fresh temporary name beside `target`, unique to this process and call. */
export function tempName(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Tells whether a file name is a temporary name made by `tempName`. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}
