// Metaflow's basic_foreach.py and nested_foreach.py as one flow: `this.input` and `this.index` hold in
// every step inside a foreach down to its join, and foreachStack() gives each level's value.
import assert from "node:assert/strict";
import { FlowSpec, step, type Inputs } from "tsflow";

// Non-monotonic, to catch join ordering bugs.
const ARR = [26, 5, 10, 15, 25, 11, 22, 6, 19, 12, 16, 9, 28, 14, 24, 20, 30, 1, 13, 18, 2, 17, 21, 3, 29, 4, 27, 31, 8, 23, 0, 7];

export class ForeachChainFlow extends FlowSpec {
  arr: number[] = [];
  myIndex?: number;
  myInput?: number;
  got: number[] = [];
  x: string[] = [];
  y: string[] = [];
  z: string[] = [];
  combo = "";
  combos: string[] = [];
  seenInJoin: (string | undefined)[] = [];
  all: string[] = [];

  @step start() {
    this.arr = ARR;
    this.next(this.first, { foreach: "arr" });
  }
  @step first() {
    this.myIndex = this.index;
    assert.equal(this.input, this.arr[this.index!]);
    this.next(this.second);
  }
  @step second() {
    assert.equal(this.index, this.myIndex, "the index stays the same over the steps inside a foreach");
    assert.equal(this.input, this.arr[this.index!], "this.input in the second step of the foreach");
    this.myInput = this.input;
    this.next(this.join);
  }
  @step join(inputs: Inputs<ForeachChainFlow>) {
    this.got = inputs.map((i) => i.myInput!);
    assert.equal(this.input, undefined, "outside every foreach again");
    assert.equal(this.index, undefined);
    this.next(this.splitX);
  }
  @step splitX() {
    this.x = ["a", "b", "c"];
    this.next(this.splitY, { foreach: "x" });
  }
  @step splitY() {
    this.y = ["d", "e"];
    this.next(this.splitZ, { foreach: "y" });
  }
  @step splitZ() {
    this.z = ["f", "g", "h", "i", "j", "k"];
    this.next(this.inner, { foreach: "z" });
  }
  @step inner() {
    const [x, y, z] = this.foreachStack();
    assert.equal(x!.count, this.x.length);
    assert.equal(y!.count, this.y.length);
    assert.equal(z!.count, this.z.length);
    assert.equal(x!.value, this.x[x!.index]);
    assert.equal(y!.value, this.y[y!.index]);
    assert.equal(z!.value, this.z[z!.index]);
    assert.equal(z!.value, this.input);
    this.combo = `${x!.value}${y!.value}${z!.value}`;
    this.next(this.innerAfter);
  }
  @step innerAfter() {
    assert.equal(this.combo, this.foreachStack().map((f) => f.value).join(""), "every level's value, two steps in");
    this.next(this.joinZ);
  }
  @step joinZ(inputs: Inputs<ForeachChainFlow>) {
    this.combos = inputs.map((i) => i.combo);
    // The join pops the z level: this.input is y's element now, and x's is one level up.
    assert.equal(this.input, this.foreachStack()[1]!.value);
    assert.equal(this.foreachStack().length, 2);
    this.seenInJoin = [this.foreachStack()[0]!.value, this.input];
    this.mergeArtifacts(inputs, { include: ["got"] });
    this.next(this.joinY);
  }
  @step joinY(inputs: Inputs<ForeachChainFlow>) {
    this.combos = inputs.flatMap((i) => i.combos);
    this.mergeArtifacts(inputs, { include: ["got"] });
    this.next(this.joinX);
  }
  @step joinX(inputs: Inputs<ForeachChainFlow>) {
    this.all = inputs.flatMap((i) => i.combos);
    this.mergeArtifacts(inputs, { include: ["got"] });
    this.next(this.end);
  }
  @step end() {
    console.log(`got=${this.got.join(",")}`);
    console.log(`combos=${this.all.length}`);
  }
}
