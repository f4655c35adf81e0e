import { suite } from "uvu";
import * as assert from "uvu/assert";
import { jupyterDataPath, prefixDataDir, userDataDir } from "../../../kernel/kernelspec/paths.js";

const linux = { env: {}, platform: "linux" as const, home: "/home/a" };
const p = suite("userDataDir");
p("should follow jupyter_core's rules per platform", () => {
  assert.is(userDataDir(linux), "/home/a/.local/share/jupyter");
  assert.is(userDataDir({ ...linux, env: { XDG_DATA_HOME: "/x" } }), "/x/jupyter");
  assert.is(userDataDir({ ...linux, env: { JUPYTER_DATA_DIR: "/j" } }), "/j");
  assert.is(userDataDir({ ...linux, platform: "darwin" }), "/home/a/Library/Jupyter");
});
p.run();

const d = suite("jupyterDataPath");
d("should put JUPYTER_PATH first, then the user dir, then system dirs", () => {
  assert.equal(jupyterDataPath({ ...linux, env: { JUPYTER_PATH: "/p1:/p2" } }), [
    "/p1",
    "/p2",
    "/home/a/.local/share/jupyter",
    "/usr/local/share/jupyter",
    "/usr/share/jupyter",
  ]);
  assert.is(prefixDataDir("/venv"), "/venv/share/jupyter");
});
d.run();
