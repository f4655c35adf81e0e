/**
 * Recognises apache-arrow values without loading apache-arrow (about 200 ms to import): every copy
 * of the library marks its classes' prototypes with registered symbols, which is also how its own
 * `isArrowTable` works across copies.
 */
const TABLE = Symbol.for("apache-arrow/Table");
const VECTOR = Symbol.for("apache-arrow/Vector");
const RECORD_BATCH = Symbol.for("apache-arrow/RecordBatch");

const marked = (x: unknown, symbol: symbol) => typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[symbol] === true;

/** Tells whether a value is an Arrow `Table` from any copy of apache-arrow. */
export const isArrowTable = (x: unknown): boolean => marked(x, TABLE);
/** Tells whether a value is an Arrow `Vector` from any copy of apache-arrow. */
export const isArrowVector = (x: unknown): boolean => marked(x, VECTOR);
/** Tells whether a value is an Arrow `RecordBatch` from any copy of apache-arrow. */
export const isArrowRecordBatch = (x: unknown): boolean => marked(x, RECORD_BATCH);
