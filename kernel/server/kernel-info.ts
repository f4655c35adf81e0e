/** The `kernel_info_reply` content: who the kernel is and which TypeScript compiles the cells. */
import type { Engine } from "../engine/engine.js";

/** The kernel's display name, also used in the kernelspec. */
export const DISPLAY_NAME = "TypeScript (tsflow)";

/** Builds the kernel_info_reply content. */
export function kernelInfo(engine: Engine, kernelVersion: string): object {
  return {
    status: "ok",
    protocol_version: "5.3",
    implementation: "tsflow",
    implementation_version: kernelVersion,
    language_info: {
      name: "typescript",
      version: engine.typescriptVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      // The combination that makes both Notebook 6 and JupyterLab highlight TypeScript (tslab#18).
      codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
    },
    banner: `${DISPLAY_NAME} ${kernelVersion}: TypeScript ${engine.typescriptVersion} (${engine.description}), Node.js ${process.version}. %lsmagic lists the magics.`,
  };
}
