/**
 * A table with one column of each type tsflow promises to store (Int, Float, Utf8, Bool, Timestamp,
 * Dictionary, List, Struct), nulls included, built with the copy of apache-arrow it is given: the
 * codec tests pass other copies, the Arrow flow fixture its own import.
 */
type Arrow = typeof import("apache-arrow");

export function everyTypeTable(arrow: Arrow): import("apache-arrow").Table<any> {
  const { Bool, Dictionary, Field, Float64, Int32, List, Struct, Table, TimestampMillisecond, Utf8, vectorFromArray } = arrow;
  return new Table({
    int: vectorFromArray([1, 2, null], new Int32()),
    float: vectorFromArray([0.5, null, 2.5], new Float64()),
    text: vectorFromArray(["a", "名前", null], new Utf8()),
    flag: vectorFromArray([true, null, false], new Bool()),
    at: vectorFromArray([0, 1.7e12, null], new TimestampMillisecond()),
    city: vectorFromArray(["paris", null, "paris"], new Dictionary(new Utf8(), new Int32())),
    tags: vectorFromArray([[1, 2], [], null], new List(new Field("item", new Int32(), true))),
    point: vectorFromArray([{ x: 1, label: "a" }, null, { x: 3, label: null }],
      new Struct([new Field("x", new Int32(), true), new Field("label", new Utf8(), true)])),
  });
}
