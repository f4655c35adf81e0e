// CI for the example notebooks: every notebook in notebooks/ is executed by Debian's nbclient through
// the installed kernelspec (a temp prefix), with a fresh datastore, and its outputs are checked.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { installKernelSpec } from "../../kernel/kernelspec/install.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

const NOTEBOOKS = fileURLToPath(new URL("../../notebooks/", import.meta.url));
const RUNNER = fileURLToPath(new URL("../_helpers/run_notebook.py", import.meta.url));

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  traceback?: string[];
}
interface Cell {
  cell_type: string;
  source: string;
  metadata: { tags?: string[] };
  outputs?: Output[];
  execution_count?: number | null;
}

/** Where a notebook runs: the repo's notebooks/ folder, or a copy in the temp dir (for a notebook that writes files). */
interface ExecuteOptions {
  /** Run a copy in a temp folder, and read these files of that folder after the run. */
  copyAndRead?: string[];
  env?: Record<string, string>;
}

/** Executes one notebook; returns its code cells with outputs (and the files asked for, as text). */
async function execute(name: string, options: ExecuteOptions = {}): Promise<Cell[] & { files?: Record<string, string> }> {
  const dir = await makeTempDir("tsflow-nb-");
  try {
    const cwd = options.copyAndRead ? join(dir, "nb") : NOTEBOOKS;
    if (options.copyAndRead) {
      await mkdir(cwd);
      await copyFile(join(NOTEBOOKS, name), join(cwd, name));
    }
    await installKernelSpec({ prefix: dir, name: "tsflow-test" });
    const out = join(dir, name);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      JUPYTER_PATH: join(dir, "share", "jupyter"),
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      TSFLOW_DATASTORE_ROOT: join(dir, "datastore"),
      TSFLOW_USER: "alice",
    };
    delete env["TSFLOW_PRODUCTION_TOKEN"];
    const run = await promisify(execFile)("/usr/bin/python3", [RUNNER, join(cwd, name), "tsflow-test", cwd, out], { env, timeout: 300_000 }).catch(
      (e: { stderr?: string; stdout?: string }) => e,
    );
    const nb = JSON.parse(await readFile(out, "utf8")) as { cells: (Cell & { source: string | string[] })[] };
    const cells = nb.cells.filter((c) => c.cell_type === "code").map((c) => ({ ...c, source: Array.isArray(c.source) ? c.source.join("") : c.source }));
    const failed = run instanceof Error ? `${run.message}\n${(run as { stderr?: string }).stderr ?? ""}` : "";
    assert.is(failed, "", `${name} failed:\n${failed}`);
    if (!options.copyAndRead) return cells;
    const files: Record<string, string> = {};
    for (const f of options.copyAndRead) files[f] = await readFile(join(cwd, f), "utf8").catch(() => "(missing)");
    return Object.assign(cells, { files });
  } finally {
    await removeTempDir(dir);
  }
}

// nbformat stores multi-line strings as lists of lines.
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : (v ?? ""));
const text = (c: Cell | undefined) => (c?.outputs ?? []).map((o) => str(o.text ?? o.data?.["text/plain"]) || (o.traceback ?? []).join("\n")).join("\n");
const html = (c: Cell | undefined) => (c?.outputs ?? []).map((o) => str(o.data?.["text/html"])).join("\n");
const cellWith = (cells: Cell[], start: string) => {
  const cell = cells.find((c) => c.source.startsWith(start));
  assert.ok(cell, `no cell starting with ${start}`);
  return cell as Cell;
};

const all = suite("notebooks/");
all("should hold the example notebooks", () => {
  const names = readdirSync(NOTEBOOKS)
    .filter((n) => n.endsWith(".ipynb"))
    .sort();
  assert.equal(names, ["analysis.ipynb", "sql-and-display.ipynb", "team-collab.ipynb"]);
});
all.run();

const team = suite("team-collab.ipynb");
team("should walk the seed scenario with the expected outputs", async () => {
  const cells = await execute("team-collab.ipynb");
  assert.ok(
    cells.every((c, i) => c.execution_count === i + 1),
    "every cell ran, numbered in order",
  );
  assert.ok(
    cells.every((c) => c.metadata.tags?.includes("raises-exception") || !(c.outputs ?? []).some((o) => o.output_type === "error")),
    "only tagged cells fail",
  );
  assert.match(text(cellWith(cells, "process.env.TSFLOW_USER")), /'user:alice'/);
  assert.match(str(cellWith(cells, "class TeamCollabFlow").outputs?.[0]?.data?.["image/svg+xml"]), /<svg /);
  const run = cellWith(cells, "%run TeamCollabFlow");
  assert.match(text(run), /\[start\/1\] current\.username: alice/);
  assert.match(text(run), /succeeded · 2 tasks done/);
  assert.match(html(run), /Run\(&#39;TeamCollabFlow\/\d+&#39;\)/);
  assert.match(text(cells.find((c) => c.source === "%namespace")), /Current namespace: user:alice/);
  assert.match(html(cellWith(cells, "const run = await Flow")), /read in namespace user:alice/);
  assert.match(text(cellWith(cells, "await run!.data.choice")), /^[1-5]$/);
  const mismatch = cellWith(cells, 'await Flow("TeamCollabFlow").latestSuccessfulRun');
  assert.is(mismatch.outputs?.[0]?.ename, "NamespaceMismatchError");
  assert.match(text(mismatch), /Object not in the current namespace/);
  assert.match(
    text(mismatch),
    /Found 2 runs of TeamCollabFlow in other namespaces: (user:alice \(1 run\), user:teammate \(1 run\)|user:teammate \(1 run\), user:alice \(1 run\))/,
  );
  assert.match(text(mismatch), /Use %namespace user:\w+ to switch there/);
  assert.match(text(cellWith(cells, "%namespace user:teammate")), /true/);
  assert.match(text(cellWith(cells, "%namespace --global\nconst theirs")), /[1-5]/);
  assert.match(text(cellWith(cells, "process.env.TSFLOW_PRODUCTION_TOKEN")), /production:seed-token/);
  assert.not.match(text(cellWith(cells, "process.env.TSFLOW_PRODUCTION_TOKEN")), /user:/);
  assert.match(html(cellWith(cells, "%%with_namespace production:seed-token")), /read in namespace production:seed-token/);
  assert.match(text(cells.find((c) => c.source === "%run AccessOtherNamespace")), /back to namespace: user:alice/);
  assert.match(text(cellWith(cells, "%run AccessOtherNamespace --other-namespace")), /switched to namespace: user:teammate/);
  assert.match(text(cellWith(cells, "const aon = ")), /true/);
  assert.match(text(cellWith(cells, "%namespaces")), /user:teammate/);
});
team.run();

const sql = suite("sql-and-display.ipynb");
sql("should show %%sql tables, bind -o, refuse writes and display listings", async () => {
  const cells = await execute("sql-and-display.ipynb");
  assert.match(str(cellWith(cells, "class TrainFlow").outputs?.[0]?.data?.["image/svg+xml"]), /foreach sizes/);
  assert.match(text(cellWith(cells, "%run TrainFlow")), /size 3: score 1\.5/);
  assert.match(text(cellWith(cells, "%run TrainFlow")), /train ✓ 3\/3/);
  assert.match(html(cellWith(cells, "%runs TrainFlow --tag sweep")), /Runs of TrainFlow in namespace user:alice with tags sweep/);
  assert.match(html(cellWith(cells, "%%sql -o perTag")), /<th style="text-align:left">tag<\/th>/);
  assert.match(text(cellWith(cells, "perTag.rows")), /'baseline: 1', 'sweep: 2'/);
  assert.match(text(cellWith(cells, "%%sql\nDELETE")), /SQL refused/);
  assert.match(html(cellWith(cells, "await listRuns")), /1 Run · read in namespace user:alice/);
  const arrow = cellWith(cells, "import { tableFromArrays }");
  assert.match(text(arrow), /Arrow table · 1000 rows × 2 columns/);
  assert.match(html(arrow), /first 10 of 1000 rows/);
  assert.match(html(cellWith(cells, "const latest")), /best score of the latest run: <b>0\.30<\/b>/, JSON.stringify(cellWith(cells, "const latest").outputs));
});
sql.run();

const analysis = suite("analysis.ipynb");
analysis("should pin a run, follow the pin, draw lineage both ways and unpin", async () => {
  const cells = await execute("analysis.ipynb", {
    copyAndRead: ["analysis.ipynb.tsflow-pins.json", "tsflow-pins.json"],
    env: { JPY_SESSION_NAME: "analysis.ipynb" },
  });
  assert.ok(
    cells.every((c, i) => c.execution_count === i + 1),
    "every cell ran, numbered in order",
  );
  assert.ok(
    cells.every((c) => c.metadata.tags?.includes("raises-exception") || !(c.outputs ?? []).some((o) => o.output_type === "error")),
    "only tagged cells fail",
  );
  assert.match(text(cellWith(cells, "const typedRun")), /true/);
  assert.match(text(cellWith(cells, "await typedRun!.data.choise")), /choise/);
  const first = /Run\('TeamCollabFlow\/(\d+)'\)/.exec(text(cells.find((c) => c.source === "%run TeamCollabFlow")))?.[1];
  assert.ok(first);
  assert.match(
    text(cellWith(cells, "%pin TeamCollabFlow")),
    new RegExp(`Pinned TeamCollabFlow to run TeamCollabFlow/${first} in namespace user:alice \\(.*analysis\\.ipynb\\.tsflow-pins\\.json\\)`),
  );
  assert.match(
    html(cellWith(cells, "const pinned")),
    new RegExp(`TeamCollabFlow/${first}&#39;\\) · read in namespace user:alice · pinned to run ${first}; 1 newer run exists`),
  );
  assert.match(text(cellWith(cells, "`choice")), /choice [1-5]; 1 newer run\(s\) since the pin/);
  assert.match(text(cells.find((c) => c.source === "%pin")), new RegExp(`TeamCollabFlow\\s+user:alice\\s+TeamCollabFlow/${first}`));
  const diff = cellWith(cells, "const newest");
  assert.match(html(diff), new RegExp(`TeamCollabFlow/${first}`));
  assert.match(html(diff), /choice/);
  const best = text(cellWith(cells, "%%sql\nSELECT r.run_id"));
  assert.match(best, /\d+\s+3\s+0\.3\n\d+\s+3\s+1\.5/, best);
  assert.match(text(cellWith(cells, "%%sql\nSELECT value AS choice")), /choice\s+runs/);
  assert.match(text(cellWith(cells, "%run ChoiceReport")), new RegExp(`Run\\('TeamCollabFlow/${first}'\\) chose [1-5]`), "the report read the pinned run");
  const drawn = cellWith(cells, "%lineage ChoiceReport");
  const svg = str(drawn.outputs?.[0]?.data?.["image/svg+xml"]);
  assert.match(svg, /<svg [^>]*class="tsflow-lineage"/);
  assert.ok(svg.includes(`TeamCollabFlow/${first}`) && svg.includes("choice (in user:alice)"), svg);
  assert.match(
    text(cellWith(cells, "const report")),
    new RegExp(`TeamCollabFlow/${first}: TeamCollabFlow/${first}/end/2/choice \\(read by ChoiceReport/\\d+/start/1 in user:alice\\)`),
  );
  assert.match(text(cellWith(cells, "%lineage TeamCollabFlow")), /read by\s+ChoiceReport\/\d+\s+user:alice/);
  assert.match(text(cellWith(cells, "(await pinned!.consumers())")), /Run\('ChoiceReport\/\d+'\)/);
  assert.match(text(cellWith(cells, "%unpin TeamCollabFlow")), /Unpinned TeamCollabFlow in namespace user:alice/);
  assert.match(text(cellWith(cells, '(await Flow("TeamCollabFlow").latestSuccessfulRun)!.id === pinned')), /false/);
  assert.equal(JSON.parse(cells.files!["analysis.ipynb.tsflow-pins.json"]!), { tsflow: "pins-1", pins: [] }, "the notebook's pin file, beside it");
  assert.is(cells.files!["tsflow-pins.json"], "(missing)");
});
analysis.run();
