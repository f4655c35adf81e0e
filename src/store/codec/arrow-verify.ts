/**
 * The read-back check of every Arrow write. The bytes of an Arrow IPC file pass through a
 * `ArrowFileCheck` on their way to storage; it decodes, with tsflow's own reader, what a reader of
 * the stored file decodes first (the footer with the schema, every batch header, a schema message
 * when the writer put one at the start: apache-arrow's file writer does not) and skips the
 * bodies, so it costs a few small flatbuffer decodes per batch and holds no batch in memory. When the
 * last byte has passed, the stored schema, row count and batch layout must match the table that was
 * written; otherwise the write fails before the object is committed (a copy of apache-arrow that
 * writes what tsflow cannot read back is caught here, not by the next reader).
 */
import { Message, type DataType, type Field, type Schema } from "apache-arrow";
import { Footer } from "apache-arrow/ipc/metadata/file";
import { ArtifactError } from "../../util/errors.js";
import type { ArtifactContext } from "./refusal.js";

/** What the written file must hold. */
export interface ExpectedArrowFile {
  /** The schema the file was written with (any copy of apache-arrow). */
  schema: Schema;
  /** Rows of the table. */
  numRows: number;
}

const MAGIC = "ARROW1";
const DICTIONARY_TYPE_ID = -1;

/**
 * Checks an Arrow IPC file as its bytes stream past: `push` every chunk in order, then `finish`.
 * @example
 * const check = new ArrowFileCheck({ schema: table.schema, numRows: table.numRows }, ctx);
 * for (const chunk of chunks) check.push(chunk);
 * check.finish(); // throws ArtifactError when the bytes do not read back as the table
 */
export class ArrowFileCheck {
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private position = 0;
  private state: "magic" | "prefix" | "metadata" | "body" | "tail" = "magic";
  private metadataLength = 0;
  private bodyLeft = 0;
  private schema: Schema | undefined;
  private readonly batchOffsets: number[] = [];
  private rows = 0;
  private messageStart = 0;
  private readonly tail: Uint8Array[] = [];

  constructor(
    private readonly expected: ExpectedArrowFile,
    private readonly ctx: ArtifactContext,
  ) {}

  /** Takes the next chunk of the file. */
  push(chunk: Uint8Array): void {
    if (this.state === "tail") return void this.tail.push(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    while (this.step());
  }

  /**
   * Ends the check.
   * @throws ArtifactError (`UNSERIALIZABLE_ARTIFACT`) when the file does not read back as the table.
   */
  finish(): void {
    if (this.state !== "tail") this.fail("the file ends inside a message");
    const footer = this.readFooter();
    if (this.schema) this.compareSchema(this.schema, "the schema message");
    this.compareSchema(footer.schema, "the footer's schema");
    if (this.rows !== this.expected.numRows) this.fail(`its batches hold ${this.rows} rows, the table ${this.expected.numRows}`);
    const blocks = [...footer.recordBatches()].map((b) => Number(b.offset));
    if (blocks.join() !== this.batchOffsets.join()) this.fail("its footer does not list the record batches written");
  }

  // One state transition when enough bytes are pending; false when it needs more.
  private step(): boolean {
    switch (this.state) {
      case "magic": {
        const magic = this.take(8);
        if (!magic) return false;
        if (Buffer.from(magic.subarray(0, 6)).toString("latin1") !== MAGIC) this.fail("it does not start with the Arrow file magic");
        return this.next("prefix");
      }
      case "prefix": {
        const prefix = this.peek(8);
        if (!prefix) return false;
        const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
        const continued = view.getInt32(0, true) === -1;
        this.messageStart = this.position;
        this.take(continued ? 8 : 4);
        this.metadataLength = view.getInt32(continued ? 4 : 0, true);
        return this.next(this.metadataLength === 0 ? "tail" : "metadata");
      }
      case "metadata": {
        const bytes = this.take(this.metadataLength);
        if (!bytes) return false;
        this.bodyLeft = this.readMessage(bytes);
        return this.next("body");
      }
      case "body":
        this.bodyLeft -= this.drop(this.bodyLeft);
        return this.bodyLeft === 0 && this.next("prefix");
      case "tail":
        return false;
    }
  }

  private next(state: ArrowFileCheck["state"]): true {
    this.state = state;
    if (state === "tail") {
      this.tail.push(...this.pending.splice(0));
      this.pendingBytes = 0;
    }
    return true;
  }

  // Decodes one message header; returns its body length.
  private readMessage(bytes: Uint8Array): number {
    let message: Message;
    try {
      message = Message.decode(bytes);
    } catch (err) {
      this.fail(`a message header does not decode (${(err as Error).message})`);
    }
    if (message.isSchema()) this.schema = this.decodeSchema(message);
    else if (message.isRecordBatch()) this.checkBatch(message);
    return Number(message.bodyLength);
  }

  private decodeSchema(message: Message): Schema {
    try {
      return message.header() as Schema;
    } catch (err) {
      this.fail(`its schema does not decode (${(err as Error).message})`);
    }
  }

  private checkBatch(message: Message): void {
    const header = message.header() as unknown as { length: number | bigint; nodes: unknown[]; buffers: { offset: number; length: number }[] };
    const body = Number(message.bodyLength);
    const nodes = this.expected.schema.fields.reduce((n, f) => n + countNodes(f), 0);
    if (header.nodes.length !== nodes) this.fail(`a batch has ${header.nodes.length} column nodes where the schema has ${nodes}`);
    if (header.buffers.some((b) => b.offset + b.length > body)) this.fail("a batch's buffers reach past its body");
    this.batchOffsets.push(this.messageStart);
    this.rows += Number(header.length);
  }

  private readFooter(): Footer {
    const tail = Buffer.concat(this.tail);
    if (tail.length < 10 || tail.subarray(tail.length - 6).toString("latin1") !== MAGIC) this.fail("it does not end with the Arrow file magic");
    const length = tail.readInt32LE(tail.length - 10);
    try {
      return Footer.decode(tail.subarray(tail.length - 10 - length, tail.length - 10));
    } catch (err) {
      this.fail(`its footer does not decode (${(err as Error).message})`);
    }
  }

  private compareSchema(stored: Schema, where: string): void {
    const want = this.expected.schema.fields.map(fieldSignature).join(", ");
    const got = stored.fields.map(fieldSignature).join(", ");
    if (want !== got) this.fail(`${where} reads back as (${got}), the table's is (${want})`);
  }

  private fail(problem: string): never {
    const { artifact, step } = this.ctx;
    throw new ArtifactError(
      `Cannot store artifact '${artifact}' of step '${step}': the Arrow file written for it does not read back (${problem}), so it was not stored. ` +
        "This is a defect of the apache-arrow copy that wrote it or of tsflow: report it with the table's schema; meanwhile store the data another way (e.g. as plain arrays).",
    );
  }

  private peek(n: number): Uint8Array | undefined {
    if (this.pendingBytes < n) return undefined;
    const first = this.pending[0]!;
    return first.byteLength >= n ? first.subarray(0, n) : Buffer.concat(this.pending).subarray(0, n);
  }

  private take(n: number): Uint8Array | undefined {
    const bytes = this.peek(n);
    if (bytes) this.drop(n);
    return bytes?.slice();
  }

  // Forgets up to n pending bytes (body bytes are never copied); returns how many.
  private drop(n: number): number {
    let dropped = 0;
    while (dropped < n && this.pending.length > 0) {
      const first = this.pending[0]!;
      const k = Math.min(first.byteLength, n - dropped);
      if (k === first.byteLength) this.pending.shift();
      else this.pending[0] = first.subarray(k);
      dropped += k;
    }
    this.pendingBytes -= dropped;
    this.position += dropped;
    return dropped;
  }
}

// A batch has one field node per column and per nested child; a dictionary column's values are in
// dictionary batches, so it is one node.
function countNodes(field: Field): number {
  if (field.type.typeId === DICTIONARY_TYPE_ID) return 1;
  return 1 + ((field.type.children ?? []) as Field[]).reduce((n, f) => n + countNodes(f), 0);
}

const TYPE_PROPERTIES = ["bitWidth", "isSigned", "precision", "unit", "timezone", "byteWidth", "listSize", "scale", "mode", "keysSorted", "isOrdered", "id"];

/** A field's name, nullability and type, read the same way from any copy of apache-arrow. */
function fieldSignature(field: Field): string {
  return `${field.name}${field.nullable ? "?" : ""}: ${typeSignature(field.type)}`;
}

function typeSignature(type: DataType): string {
  const t = type as unknown as Record<string, unknown>;
  const props = TYPE_PROPERTIES.filter((p) => t[p] !== undefined && t[p] !== null).map((p) => `${p}=${String(t[p])}`);
  if (type.typeId === DICTIONARY_TYPE_ID) {
    props.push(`indices=${typeSignature(t.indices as DataType)}`, `values=${typeSignature(t.dictionary as DataType)}`);
  } else if (type.children?.length) {
    props.push(`children=[${(type.children as Field[]).map(fieldSignature).join(", ")}]`);
  }
  if (Array.isArray(t.typeIds) || ArrayBuffer.isView(t.typeIds)) props.push(`typeIds=${Array.from(t.typeIds as ArrayLike<number>).join("|")}`);
  return `${type.typeId}(${props.join(" ")})`;
}
