import { suite } from "uvu";
import * as assert from "uvu/assert";
import { pinLocation } from "../../../kernel/tsflow/pin-location.js";

const where = suite("pinLocation");
where("should put the pins beside the notebook JPY_SESSION_NAME names", () => {
  assert.equal(pinLocation({ JPY_SESSION_NAME: "projects/analysis.ipynb" }, "/srv/nb/projects"), {
    file: "/srv/nb/projects/analysis.ipynb.tsflow-pins.json",
    source: "notebook",
  });
  assert.equal(pinLocation({ JPY_SESSION_NAME: "/home/a/x.ipynb" }, "/tmp"), { file: "/home/a/x.ipynb.tsflow-pins.json", source: "notebook" });
});
where("should use tsflow-pins.json in the working directory when the notebook is unknown", () => {
  assert.equal(pinLocation({}, "/srv/nb"), { file: "/srv/nb/tsflow-pins.json", source: "unknown notebook" });
  assert.equal(
    pinLocation({ JPY_SESSION_NAME: "console-1" }, "/srv/nb"),
    { file: "/srv/nb/tsflow-pins.json", source: "unknown notebook" },
    "a console is not a notebook",
  );
});
where("should prefer TSFLOW_PIN_FILE", () => {
  assert.equal(pinLocation({ TSFLOW_PIN_FILE: "../locks/p.json", JPY_SESSION_NAME: "a.ipynb" }, "/srv/nb"), { file: "/srv/locks/p.json", source: "explicit" });
});
where.run();
