// The example notebooks in a real browser: Jupyter Notebook 6 (Debian) under headless Chromium, each
// notebook a clean copy with its own server, datastore and fresh kernel; Cell > Run All, then checks
// on what a person sees (tables, namespaces, the mismatch hint, choices read back, %%sql, the graph,
// run progress, Tab completion, Shift-Tab inspection). Screenshots go to test-output/browser/.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { checkJupyterInstalled, installKernel, startNotebookServer, type NotebookServer } from "../_helpers/jupyter-server.js";
import {
  cellText,
  fitViewportToNotebook,
  lastCellText,
  launchBrowser,
  openNotebook,
  readCells,
  runAllCells,
  screenshotCells,
  typeInNewCell,
  type CellView,
  type NotebookBrowser,
} from "../_helpers/notebook-page.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = join(ROOT, "test-output", "browser");
const TEAM = "team-collab.ipynb";
const SQL = "sql-and-display.ipynb";
const ANALYSIS = "analysis.ipynb";

/** One notebook under test: its temp dir, server, page and the cells as shown after Run All. */
interface NotebookRun {
  dir: string;
  server: NotebookServer;
  page: Page;
  cells: CellView[];
  seconds: { server: number; kernel: number; cells: number };
}

let browser: NotebookBrowser | undefined;
const runs = new Map<string, NotebookRun>();
const started = Date.now();
const since = (t: number) => Math.round((Date.now() - t) / 100) / 10;

// A clean copy of the notebook, its own server and datastore (so the two notebooks never see each
// other's runs), a kernel session nobody used before, then Cell > Run All.
async function runNotebook(name: string, page: Page, kernelPrefix: string): Promise<NotebookRun> {
  const dir = await makeTempDir("tsflow-browser-");
  const notebookDir = join(dir, "notebooks");
  let t = Date.now();
  const server = await (async () => {
    await mkdir(notebookDir);
    await copyFile(join(ROOT, "notebooks", name), join(notebookDir, name));
    t = Date.now();
    return startNotebookServer({ dir, notebookDir, kernelPrefix, env: { TSFLOW_USER: "alice", TSFLOW_DATASTORE_ROOT: join(dir, "datastore") } });
  })().catch(async (err: unknown) => {
    await removeTempDir(dir);
    throw err;
  });
  const run: NotebookRun = { dir, server, page, cells: [], seconds: { server: since(t), kernel: 0, cells: 0 } };
  runs.set(name, run);
  await server.deleteSessions(name);
  t = Date.now();
  await openNotebook(page, server, name);
  run.seconds.kernel = since(t);
  t = Date.now();
  await runAllCells(page);
  run.seconds.cells = since(t);
  run.cells = await readCells(page);
  return run;
}

function notebook(name: string): NotebookRun {
  if (setupError) throw setupError;
  const run = runs.get(name);
  if (!run || run.cells.length === 0) throw new Error(`${name} did not run`);
  return run;
}

/** The first code cell whose source matches. */
function cell(name: string, source: RegExp): CellView {
  const found = notebook(name).cells.find((c) => source.test(c.source));
  if (!found) throw new Error(`${name} has no cell matching ${source}`);
  return found;
}

const html = (c: CellView) => c.outputs.map((o) => o.html).join("\n");
const rowCount = (tableHtml: string) => (/<tbody>(.*?)<\/tbody>/s.exec(tableHtml)?.[1]?.match(/<tr>/g) ?? []).length;
const choiceIn = (c: CellView) => /Random choice was (\d)/.exec(cellText(c))?.[1];
const lastLine = (c: CellView) => cellText(c).trim().split("\n").at(-1)?.trim();

const page = suite("notebooks/*.ipynb in Jupyter Notebook under headless Chromium");

// uvu drops an error thrown by a before hook without printing it: keep it, and fail every test with it.
let setupError: unknown;
let kernelPrefix: string | undefined;

page.before(async () => {
  try {
    await mkdir(SHOTS, { recursive: true });
    // One kernelspec (the user's route: `tsflow kernel install --prefix`) serves both servers.
    kernelPrefix = await makeTempDir("tsflow-kernelspec-");
    const prefix = kernelPrefix;
    const [installed, launched] = await Promise.allSettled([
      checkJupyterInstalled().then(() => installKernel(prefix, "tsflow")),
      makeTempDir("tsflow-chromium-").then((profile) =>
        launchBrowser(profile).catch(async (err: unknown) => {
          await removeTempDir(profile);
          throw err;
        }),
      ),
    ]);
    if (launched.status === "fulfilled") browser = launched.value;
    if (installed.status === "rejected") throw installed.reason;
    if (launched.status === "rejected") throw launched.reason;
    const b = launched.value;
    // Settle both before failing, so the after hook stops every server that was started.
    const done = await Promise.allSettled([
      runNotebook(TEAM, b.page, prefix),
      b.context.newPage().then((p) => runNotebook(SQL, p, prefix)),
      b.context.newPage().then((p) => runNotebook(ANALYSIS, p, prefix)),
    ]);
    for (const d of done) if (d.status === "rejected") throw d.reason;
  } catch (err) {
    setupError = err;
  }
});

page.after(async () => {
  await browser?.close();
  await Promise.all(
    [...runs.values()].map(async (r) => {
      await r.server.stop();
      await removeTempDir(r.dir);
    }),
  );
  if (browser) await removeTempDir(browser.profileDir);
  if (kernelPrefix) await removeTempDir(kernelPrefix);
  const each = [...runs].map(([n, r]) => `${n}: server ${r.seconds.server}s, kernel ready ${r.seconds.kernel}s, Run All ${r.seconds.cells}s`);
  console.log(`browser test ${since(started)}s (${each.join("; ")}); screenshots in ${SHOTS}`);
});

page("should run every cell, with an error only in the cells tagged raises-exception", () => {
  for (const name of [TEAM, SQL, ANALYSIS]) {
    for (const c of notebook(name).cells) {
      assert.match(c.prompt, /^In \[\d+\]:$/, `${name} cell ${c.index} did not run: ${c.prompt}\n${c.source}`);
      const failed = c.outputs.some((o) => o.kind.includes("output_error"));
      assert.is(failed, c.tags.includes("raises-exception"), `${name} cell ${c.index}:\n${c.source}\n${cellText(c)}`);
    }
  }
  assert.equal(browser?.problems, []);
});

page("should draw a flow class as an SVG graph of its steps", () => {
  const team = cell(TEAM, /^class TeamCollabFlow/);
  assert.ok(
    team.outputs.some((o) => o.kind.includes("output_svg") && o.html.includes("<svg")),
    html(team),
  );
  assert.match(cellText(team), /start\s+end/);
  assert.match(cellText(cell(SQL, /^class TrainFlow/)), /foreach sizes[\s\S]*start\s+train\s+join\s+end/);
});

page("should show a run's progress in one display that ends with every step done", () => {
  const team = cell(TEAM, /^%run TeamCollabFlow/);
  const progress = team.outputs.filter((o) => o.html.includes("tsflow-progress"));
  assert.is(progress.length, 1, html(team));
  assert.match(progress[0]?.text ?? "", /^TeamCollabFlow\/\d+ succeeded · 2 tasks done, 0 running, 0 failed\nstart ✓ 1\/1 → end ✓ 1\/1$/);
  assert.match(cellText(team), /\[start\/1\] current\.username: alice/);
  const foreach = cell(SQL, /^%run TrainFlow/);
  assert.match(cellText(foreach), /succeeded · 6 tasks done, 0 running, 0 failed\nstart ✓ 1\/1 → train ✓ 3\/3 → join ✓ 1\/1 → end ✓ 1\/1/);
});

page("should render runs as HTML tables captioned with the namespace they were read in", () => {
  const mine = cell(TEAM, /^const run = await Flow\("TeamCollabFlow"\)/);
  assert.match(html(mine), /<table class="tsflow-table">/);
  assert.match(cellText(mine), /^Run\('TeamCollabFlow\/\d+'\) · read in namespace user:alice\n/);
  assert.match(cellText(mine), /successful\s+✓/);
  const global = cell(TEAM, /^%runs TeamCollabFlow/);
  assert.match(cellText(global), /^Runs of TeamCollabFlow in namespace global \(all namespaces\)\n/);
  assert.is(rowCount(html(global)), 2, "alice's and the teammate's run");
  const own = cell(TEAM, /^%namespace --default\n%runs TeamCollabFlow/);
  assert.match(cellText(own), /Runs of TeamCollabFlow in namespace user:alice\n/);
  assert.is(rowCount(html(own)), 1, "the production run is not in user:alice");
  assert.match(cellText(cell(TEAM, /^%%with_namespace production:seed-token/)), /^Run\('TeamCollabFlow\/\d+'\) · read in namespace production:seed-token\n/);
  assert.match(cellText(cell(TEAM, /^%namespaces/)), /→\s+user:alice\s+3/);
  assert.match(cellText(cell(SQL, /^%runs TrainFlow --tag sweep/)), /^Runs of TrainFlow in namespace user:alice with tags sweep\n/);
});

page("should show the namespace mismatch with where the runs are and how to switch", () => {
  const miss = cell(TEAM, /^await Flow\("TeamCollabFlow"\)\.latestSuccessfulRun$/);
  const text = cellText(miss);
  assert.match(text, /Object not in namespace 'user:bob'/);
  assert.match(text, /Found 2 runs of TeamCollabFlow in other namespaces: user:alice \(1 run\), user:teammate \(1 run\)/);
  assert.match(text, /Use %namespace user:alice to switch there, or %namespace --global to see every namespace\./);
  assert.not.match(text, /^\s+at /m, "no stack trace for a lookup miss");
});

page("should read the same choices back in your, the teammate's and the global namespace", () => {
  const aliceChoice = choiceIn(cell(TEAM, /^%run TeamCollabFlow/));
  const teammateChoice = choiceIn(cell(TEAM, /TSFLOW_USER = "teammate"/));
  assert.ok(aliceChoice && teammateChoice);
  assert.is(lastLine(cell(TEAM, /^await run!\.data\.choice/)), aliceChoice);
  assert.match(cellText(cell(TEAM, /^%namespace user:teammate/)), /Namespace switched to user:teammate\n[\s\S]*true$/);
  const global = cell(TEAM, /^%namespace --global/);
  assert.match(cellText(global), /Namespace switched to global \(all namespaces\)/);
  assert.is(lastLine(global), teammateChoice);
  assert.match(cellText(cell(TEAM, /^%run AccessOtherNamespace$/)), new RegExp(`end: otherChoice=${aliceChoice}\\b`));
  const other = cell(TEAM, /^%run AccessOtherNamespace --other-namespace user:teammate/);
  assert.match(cellText(other), /switched to namespace: user:teammate/);
  assert.match(cellText(other), new RegExp(`end: otherChoice=${teammateChoice}\\b`));
  assert.is(lastLine(cell(TEAM, /^const aon = /)), "true");
});

page("should show %%sql results as tables, bind them with -o and refuse writes", () => {
  const tags = cell(SQL, /^%%sql -o perTag/);
  assert.match(html(tags), /<table class="tsflow-table"><thead><tr><th[^>]*>tag<\/th><th[^>]*>runs<\/th><\/tr><\/thead>/);
  assert.match(cellText(tags), /baseline\s+1\nsweep\s+2\n2 rows/);
  assert.match(cellText(cell(SQL, /^perTag\.rows/)), /'baseline: 1', 'sweep: 2'/);
  assert.match(cellText(cell(SQL, /FROM tasks GROUP BY step/)), /train\s+9\s+✓/);
  assert.match(cellText(cell(SQL, /^%%sql\nDELETE FROM runs/)), /^SQL refused: Only queries may run over the run index/);
});

page("should show no ANSI escape codes and no raw JSON where a table belongs", () => {
  for (const name of [TEAM, SQL]) {
    for (const c of notebook(name).cells) {
      for (const o of c.outputs) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for a leaked ANSI escape (ESC) is the point
        assert.not.match(o.html + o.text, /\x1b\[|\[\d+(;\d+)*m/, `${name} cell ${c.index} shows an ANSI escape: ${o.text}`);
        assert.not.match(o.text.trim(), /^[[{]\s*"/, `${name} cell ${c.index} shows raw JSON: ${o.text}`);
      }
      if (/^%(runs|namespaces)\b|^%%sql -o|^const run = |^await listRuns/m.test(c.source))
        assert.match(html(c), /<table class="tsflow-table">/, `${name} cell ${c.index}`);
    }
  }
});

page("should save screenshots of the graph, a run table, the mismatch and a %%sql result", async () => {
  const team = notebook(TEAM);
  const sql = notebook(SQL);
  await Promise.all([fitViewportToNotebook(team.page), fitViewportToNotebook(sql.page)]);
  const shots: [NotebookRun, RegExp[], string][] = [
    [team, [/^class TeamCollabFlow/], "team-collab-graph.png"],
    [team, [/^%run TeamCollabFlow/], "team-collab-run.png"],
    [team, [/^%namespace user:bob/, /^await Flow\("TeamCollabFlow"\)\.latestSuccessfulRun$/, /^%namespace user:teammate/], "team-collab-mismatch.png"],
    [team, [/^%runs TeamCollabFlow/], "team-collab-runs.png"],
    [sql, [/^class TrainFlow/], "sql-graph.png"],
    [sql, [/^%run TrainFlow/], "sql-progress.png"],
    [sql, [/^%%sql -o perTag/, /^perTag\.rows/, /FROM tasks GROUP BY step/], "sql-result.png"],
  ];
  for (const [run, sources, file] of shots) {
    const indices = sources.map((s) => (run === team ? cell(TEAM, s) : cell(SQL, s)).index);
    await screenshotCells(run.page, indices, join(SHOTS, file));
  }
});

page("should pin a run, show it pinned, draw its lineage and unpin it (analysis.ipynb)", async () => {
  const first = /TeamCollabFlow\/(\d+) succeeded/.exec(cellText(cell(ANALYSIS, /^%run TeamCollabFlow$/)))?.[1];
  assert.ok(first);
  assert.match(
    cellText(cell(ANALYSIS, /^%pin TeamCollabFlow$/)),
    new RegExp(`Pinned TeamCollabFlow to run TeamCollabFlow/${first} in namespace user:alice \\(.*tsflow-pins\\.json\\)`),
  );
  assert.match(
    cellText(cell(ANALYSIS, /^const pinned = /)),
    new RegExp(`^Run\\('TeamCollabFlow/${first}'\\) · read in namespace user:alice · pinned to run ${first}; 1 newer run exists\n`),
  );
  assert.match(cellText(cell(ANALYSIS, /^%pin$/)), new RegExp(`1 pin in .*tsflow-pins\\.json[\\s\\S]*TeamCollabFlow\\s+user:alice\\s+TeamCollabFlow/${first}`));
  assert.match(cellText(cell(ANALYSIS, /^%run ChoiceReport/)), new RegExp(`Run\\('TeamCollabFlow/${first}'\\) chose [1-5]`));
  const drawn = cell(ANALYSIS, /^%lineage ChoiceReport/);
  assert.ok(
    drawn.outputs.some((o) => o.kind.includes("output_svg") && o.html.includes("tsflow-lineage") && o.html.includes(`TeamCollabFlow/${first}`)),
    html(drawn),
  );
  assert.match(cellText(drawn), new RegExp(`read\\s+TeamCollabFlow/${first}\\s+end/2/choice\\s+start/1\\s+user:alice`));
  assert.match(cellText(cell(ANALYSIS, /^%lineage TeamCollabFlow/)), /read by\s+ChoiceReport\/\d+\s+user:alice/);
  assert.match(cellText(cell(ANALYSIS, /^%unpin TeamCollabFlow/)), /Unpinned TeamCollabFlow in namespace user:alice/);
  assert.is(lastLine(cell(ANALYSIS, /^\(await Flow\("TeamCollabFlow"\)\.latestSuccessfulRun\)!\.id === pinned/)), "false");
  const { readFile } = await import("node:fs/promises");
  const pins = JSON.parse(await readFile(join(notebook(ANALYSIS).dir, "notebooks", "tsflow-pins.json"), "utf8"));
  assert.equal(pins, { tsflow: "pins-1", pins: [] }, "Notebook 6 does not tell the kernel the notebook's name: the folder's pin file");
  const run = notebook(ANALYSIS);
  await fitViewportToNotebook(run.page);
  await screenshotCells(run.page, [cell(ANALYSIS, /^const pinned = /).index], join(SHOTS, "analysis-pinned.png"));
  await screenshotCells(run.page, [drawn.index], join(SHOTS, "analysis-lineage.png"));
});

page('should complete a run id with Tab inside Run("...")', async () => {
  const { page: p } = notebook(TEAM);
  const runId = /TeamCollabFlow\/(\d+) succeeded/.exec(cellText(cell(TEAM, /^%run TeamCollabFlow/)))?.[1];
  assert.ok(runId);
  await typeInNewCell(p, 'Run("TeamCollabFlow/', "Tab");
  // One candidate in user:alice: Notebook inserts it; several would open the completion list.
  await p.waitForFunction(
    `window.Jupyter.notebook.get_cells().at(-1).get_text() !== 'Run("TeamCollabFlow/' || document.querySelector(".completions") !== null`,
    undefined,
    { timeout: 20_000 },
  );
  const options = await p.locator(".completions option").allInnerTexts();
  assert.ok((await lastCellText(p)).endsWith(`TeamCollabFlow/${runId}`) || options.includes(`TeamCollabFlow/${runId}`), `${await lastCellText(p)} ${options}`);
  await p.keyboard.press("Escape");
});

page("should show Flow's signature with Shift-Tab", async () => {
  const { page: p } = notebook(TEAM);
  await typeInNewCell(p, 'Flow("TeamCollabFlow")', "Shift+Tab", "Flow".length);
  const tooltip = p.locator("#tooltip .tooltiptext");
  await tooltip.waitFor({ state: "visible", timeout: 20_000 });
  // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node; innerText() is the text the user sees
  assert.match(await tooltip.innerText(), /Flow<?[^(]*\((flowClass: F|name: string)\)/);
  await p.screenshot({ path: join(SHOTS, "team-collab-inspect.png"), clip: (await p.locator("#tooltip").boundingBox()) ?? undefined });
});

page.run();
