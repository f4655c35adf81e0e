/**
 * Drives the classic Jupyter Notebook 6 page in Debian's headless Chromium (playwright-core): open a
 * notebook, Run All from the Cell menu, read each cell's outputs as a person sees them, complete and
 * inspect with real Tab / Shift-Tab key presses, and take screenshots.
 *
 * Code that runs in the page is passed as strings: the test tsconfig has no DOM types.
 */
import { access, constants } from "node:fs/promises";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { NotebookServer } from "./jupyter-server.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
  "--disable-quic",
];

/** What one output area of a code cell shows. */
export interface OutputView {
  /** The output's classes, e.g. `output_subarea output_html rendered_html output_result`. */
  kind: string;
  /** The text a person reads (`innerText`). */
  text: string;
  /** The rendered HTML. */
  html: string;
}

/** One code cell as the page shows it after running. */
export interface CellView {
  index: number;
  /** `In [3]:`, `In [*]:` or `In [ ]:`. */
  prompt: string;
  source: string;
  /** The cell's tags (`raises-exception` marks a cell meant to fail). */
  tags: string[];
  outputs: OutputView[];
}

/** The browser, with what went wrong in the page recorded. */
export interface NotebookBrowser {
  context: BrowserContext;
  /** The first tab. */
  page: Page;
  /** The new, empty profile the browser runs with. */
  profileDir: string;
  /** Uncaught page errors and requests that left the server (there should be none). */
  problems: string[];
  close(): Promise<void>;
}

/** Starts headless Chromium with a new empty profile in `profileDir`; fails clearly when not installed. */
export async function launchBrowser(profileDir: string): Promise<NotebookBrowser> {
  try {
    await access(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (bash .ci/run does this)`);
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1100, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  context.on("page", (p) => p.on("pageerror", (e) => problems.push(`page error: ${e.message}`)));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  context.on("request", (r) => {
    if (!/^(http|ws):\/\/127\.0\.0\.1:\d+\/|^data:/.test(r.url())) problems.push(`request outside the local servers: ${r.url()}`);
  });
  return { context, page, profileDir, problems, close: () => context.close() };
}

/** Opens `path` (relative to the notebook dir) and waits until its kernel is connected and idle. */
export async function openNotebook(page: Page, server: NotebookServer, path: string): Promise<void> {
  await page.goto(`${server.url}/notebooks/${encodeURI(path)}?token=${server.token}`, { waitUntil: "domcontentloaded" });
  const state = await page.waitForFunction(
    `document.querySelector("#kernel_indicator_icon.kernel_dead_icon") ? "dead"
      : window.Jupyter?.notebook?.kernel?.is_connected() && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") ? "idle" : false`,
    undefined,
    { timeout: 60_000, polling: 100 },
  );
  if ((await state.jsonValue()) === "dead") throw new Error(`the kernel of ${path} died while starting:\n${server.log().slice(-3000)}`);
}

/** Clicks Cell > Run All and waits until no cell is queued or running and the kernel is idle. */
export async function runAllCells(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.click("#celllink");
  await page.click("#run_all_cells > a");
  // Run All marks every cell `In [*]` synchronously; done is: no star left and an idle kernel.
  await page.waitForFunction(
    `[...document.querySelectorAll(".cell.code_cell .input_prompt")].every((p) => !p.textContent.includes("*"))
      && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null`,
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
}

/** Every code cell with its prompt, source and outputs. */
export async function readCells(page: Page): Promise<CellView[]> {
  return page.evaluate(`[...document.querySelectorAll(".cell.code_cell")].map((element, index) => {
    const cell = window.$(element).data("cell");
    return {
      index,
      prompt: element.querySelector(".input_prompt")?.innerText.replace(/\\s+/g, " ").trim() ?? "",
      source: cell.get_text(),
      tags: cell.metadata.tags ?? [],
      outputs: [...element.querySelectorAll(".output_area .output_subarea")].map((o) => ({ kind: o.className, text: o.innerText, html: o.innerHTML })),
    };
  })`) as Promise<CellView[]>;
}

/** All outputs of a cell as one text. */
export function cellText(cell: CellView): string {
  return cell.outputs.map((o) => o.text).join("\n");
}

/**
 * Adds a code cell at the bottom holding `code`, puts the cursor at `cursor` (default: the end) in
 * edit mode and presses `key` as a person would.
 */
export async function typeInNewCell(page: Page, code: string, key: string, cursor = code.length): Promise<void> {
  await page.evaluate(`(() => {
    const nb = window.Jupyter.notebook;
    const cell = nb.insert_cell_at_bottom("code");
    cell.set_text(${JSON.stringify(code)});
    nb.select(nb.find_cell_index(cell));
    cell.element[0].scrollIntoView();
    nb.edit_mode();
    cell.code_mirror.focus();
    cell.code_mirror.setCursor(cell.code_mirror.posFromIndex(${cursor}));
  })()`);
  await page.keyboard.press(key);
}

/** The text of the bottom cell's editor. */
export async function lastCellText(page: Page): Promise<string> {
  return page.evaluate(`window.Jupyter.notebook.get_cells().at(-1).get_text()`) as Promise<string>;
}

/**
 * Makes the window as tall as the notebook and stops Notebook's inner scrolling (#site), so every
 * cell has a fixed place in the window and a group of cells fits in one picture.
 */
export async function fitViewportToNotebook(page: Page): Promise<void> {
  await page.addStyleTag({ content: "#site { height: auto !important; overflow: visible !important; }" });
  const height = (await page.evaluate(`document.documentElement.scrollHeight + 40`)) as number;
  const width = page.viewportSize()?.width ?? 1100;
  await page.setViewportSize({ width, height: Math.min(Math.max(height, 900), 16_000) });
  await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))`);
}

/** Saves a PNG of the code cells `indices` (inputs and outputs, one picture); call fitViewportToNotebook first. */
export async function screenshotCells(page: Page, indices: number[], path: string): Promise<void> {
  const boxes = [];
  for (const i of indices) {
    const box = await page.locator(".cell.code_cell").nth(i).boundingBox();
    if (!box) throw new Error(`code cell ${i} is not on the page`);
    boxes.push(box);
  }
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  const viewport = page.viewportSize();
  if (x < 0 || y < 0 || !viewport || bottom > viewport.height)
    throw new Error(`cells ${indices} are outside the window (y ${y}..${bottom}, window ${viewport?.height})`);
  await page.screenshot({ path, clip: { x, y, width: right - x, height: bottom - y } });
}
