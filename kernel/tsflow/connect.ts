/**
 * Connects a loaded tsflow library to the kernel: its magics, its rich displays and the completion
 * of pathspecs in lookup calls.
 */
import type { ExtraCompleter } from "../code-intel.js";
import { registerFormatter } from "../display/mime-bundle.js";
import { tsflowFormatter } from "../display/tsflow-formatters.js";
import { tsflowMagics } from "../magics/tsflow/index.js";
import type { MagicRegistry } from "../magics/registry.js";
import { log } from "../log.js";
import { asTsflowApi, type TsflowApi } from "./api.js";
import { completeLookupString } from "./code-completion.js";
import { pinLocation } from "./pin-location.js";
import type { FlowCodeOf } from "./notebook-code.js";

/**
 * Registers what the library enables; returns its API, or undefined when it lacks something.
 * `flowCode` packages a notebook flow's cells for `%run --executor`.
 */
export function connectLibrary(
  exports: Record<string, unknown>,
  registry: MagicRegistry,
  completers: ExtraCompleter[],
  flowCode?: FlowCodeOf,
): TsflowApi | undefined {
  const { api, missing } = asTsflowApi(exports);
  if (!api) {
    log("warn", `the tsflow library lacks ${missing.join(", ")}: its magics are disabled`);
    return undefined;
  }
  for (const magic of tsflowMagics(api, flowCode)) registry.add(magic);
  const pins = pinLocation();
  api.usePins(pins.file);
  log("info", `pins: ${pins.file} (${pins.source})`);
  registerFormatter(tsflowFormatter(api));
  completers.push((code, cursor) => completeLookupString(api, code, cursor));
  return api;
}
