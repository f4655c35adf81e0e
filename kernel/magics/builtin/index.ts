/** The magics every tsflow kernel has, whether or not the library is loaded. */
import { MagicRegistry } from "../registry.js";
import { help } from "./help.js";
import { lsmagic } from "./lsmagic.js";

/** A registry holding the built-in magics. */
export function createBuiltinRegistry(): MagicRegistry {
  return new MagicRegistry().add(lsmagic).add(help);
}
