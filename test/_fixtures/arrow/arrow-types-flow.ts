import { FlowSpec, step } from "tsflow";
import * as arrow from "apache-arrow";
import { tableFromArrays, type Table } from "apache-arrow";
import { everyTypeTable } from "./every-type-table.js";

/** Stores tables with every column type tsflow promises, then reads them back in a later step. */
export class ArrowTypesFlow extends FlowSpec {
  table?: Table;
  empty?: Table;
  seen?: unknown;

  /** Builds the tables with the flow file's own apache-arrow. */
  @step start() {
    this.table = everyTypeTable(arrow);
    this.empty = tableFromArrays({ x: new Int32Array(0), y: new Float64Array(0) });
    this.next(this.check);
  }

  /** Reads both tables back and records what it saw as plain JSON. */
  @step check() {
    const table = this.table!;
    this.seen = {
      schema: table.schema.fields.map((f) => `${f.name}: ${f.type}`),
      rows: JSON.parse(JSON.stringify(table.toArray())),
      empty: { rows: this.empty!.numRows, schema: this.empty!.schema.fields.map((f) => `${f.name}: ${f.type}`) },
    };
    this.next(this.end);
  }

  /** Done. */
  @step end() {}
}
