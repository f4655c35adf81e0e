/**
 * A `Database` is a thin wrapper over one DuckDB instance and its single connection. It is the only
 * file of tsflow that imports `@duckdb/node-api`: every DuckDB type is converted here, at the
 * boundary, into plain JS values (`SqlValue` in, `unknown[][]` rows out), so the run index never
 * sees a foreign type.
 */
import { createRequire } from "node:module";
import type { DuckDBInstance } from "@duckdb/node-api";

// Loaded on first use, as most processes that load tsflow (workers, `tsflow run`) never query the
// index; and with `require`, not `import()`: an ESM import of this CommonJS package makes Node lex
// all of its ~180 files for named exports, which doubled the cost (~260 ms instead of ~120 ms).
type DuckModule = typeof import("@duckdb/node-api");
// The bundled build (scripts/bundle.mjs) defines this as its own one-file copy of the package's
// JavaScript (its ~180 modules cost ~50 ms more to resolve and compile one by one).
declare const __TSFLOW_DUCKDB_API__: string | undefined;
const DUCKDB_API = typeof __TSFLOW_DUCKDB_API__ === "string" ? __TSFLOW_DUCKDB_API__ : "@duckdb/node-api";
let duckModule: DuckModule | undefined;
const duck = (): DuckModule => duckModule!;
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBType, DuckDBValue } from "@duckdb/node-api";

/** A value bound to a `$n` parameter: scalars, or a list of strings (`VARCHAR[]`). */
export type SqlValue = string | number | boolean | bigint | null | readonly string[];

/** The rows of a query as plain JS values; BIGINT counts and epoch-ms come back as numbers. */
export interface SqlRows {
  /** Column names, in order. */
  columns: string[];
  /** One array per row, one value per column. */
  rows: unknown[][];
}

/** Options for `Database.create`. */
export interface DatabaseOptions {
  /**
   * A database file to open; in memory when absent.
   * @default undefined
   */
  path?: string;
  /**
   * Open `path` read-only.
   * @default false
   */
  readOnly?: boolean;
  /**
   * Refuse every file system access (files, extensions, attaching) and lock the configuration, so
   * SQL typed by a user cannot reach outside what the database already holds.
   * @default false
   */
  sandbox?: boolean;
  /**
   * Worker threads of the instance.
   * @default 2
   */
  threads?: number;
}

/** The column types `Database.createTable` and `appendColumns` take (TIMESTAMP values are epoch ms). */
export type SqlColumnType = "BOOLEAN" | "INTEGER" | "BIGINT" | "DOUBLE" | "VARCHAR" | "TIMESTAMP";

/** A column of a table made with `Database.createTable`. */
export interface SqlColumnSpec {
  name: string;
  type: SqlColumnType;
}

/** Rows appended column by column to one table (`Database.openColumnAppender`). */
export interface ColumnAppender {
  /** Appends `length` rows given as one array per column. */
  append(length: number, columns: readonly (readonly unknown[])[]): void;
  /** Flushes what was appended and releases the appender. */
  close(): void;
}

/** What a piece of SQL is, learnt from DuckDB's own parser and planner. */
export interface SqlInspection {
  /** How many statements the text holds. */
  statements: number;
  /** True when the (first) statement is a plain query (`SELECT`, `FROM`, `WITH`, `VALUES`, ...). */
  isQuery: boolean;
}

/** One DuckDB instance with one connection; calls must not overlap (the run index serialises them). */
export class Database {
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();

  private constructor(instance: DuckDBInstance, conn: DuckDBConnection) {
    this.instance = instance;
    this.conn = conn;
  }

  /** Opens an instance (in memory unless `path` is given). */
  static async create(options: DatabaseOptions = {}): Promise<Database> {
    duckModule ??= createRequire(import.meta.url)(DUCKDB_API) as DuckModule;
    const instance = await duck().DuckDBInstance.create(options.path ?? ":memory:", configOf(options));
    return new Database(instance, await instance.connect());
  }

  /** Runs SQL (possibly several statements) for its effect; `params` bind `$1..$n`. */
  async run(sql: string, params?: readonly SqlValue[]): Promise<void> {
    if (params === undefined) await this.conn.run(sql);
    else await this.conn.run(sql, params.map(toDuck), params.map(typeOf) as DuckDBType[]);
  }

  /** Runs one query through a cached prepared statement and returns its rows. */
  async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRows> {
    const ps = await this.prepare(sql);
    ps.clearBindings();
    if (params.length > 0) ps.bind(params.map(toDuck), params.map(typeOf) as DuckDBType[]);
    const reader = await ps.runAndReadAll();
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((r) => r.map(fromDuck)) };
  }

  /** Runs one query without caching it (user SQL) and returns its rows. */
  async queryOnce(sql: string): Promise<SqlRows> {
    const reader = await this.conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((r) => r.map(fromDuck)) };
  }

  /** Appends rows to a table with DuckDB's appender: the fast path for bulk loads. */
  async append(table: string, rows: readonly (readonly (string | number | boolean | null)[])[]): Promise<void> {
    const appender = await this.conn.createAppender(table);
    try {
      for (const row of rows) {
        for (const v of row) appendOne(appender, v);
        appender.endRow();
      }
    } finally {
      appender.closeSync();
    }
  }

  /** Creates the table `catalog.name` with the given columns (names quoted, so any name works). */
  async createTable(catalog: string, name: string, columns: readonly SqlColumnSpec[]): Promise<void> {
    const cols = columns.map((c) => `${sqlIdentifier(c.name)} ${c.type}`).join(", ");
    await this.conn.run(`CREATE TABLE ${sqlIdentifier(catalog)}.${sqlIdentifier(name)} (${cols})`);
  }

  /**
   * Opens an appender on `catalog.name` that takes rows column by column (each array `length`
   * long) and sends them as data chunks: the bulk path for loading a table (a native call per 2048
   * rows, not one per value). `close()` flushes.
   */
  async openColumnAppender(catalog: string, name: string, types: readonly SqlColumnType[]): Promise<ColumnAppender> {
    const appender = await this.conn.createAppender(name, "main", catalog);
    const duckTypes = types.map(duckType);
    return {
      append(length, columns) {
        for (let start = 0; start < length; start += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, length - start);
          const chunk = duck().DuckDBDataChunk.create(duckTypes, n);
          chunk.setColumns(columns.map((col, j) => toChunkColumn(col, start, n, types[j]!)));
          appender.appendDataChunk(chunk);
        }
      },
      close() {
        try {
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
      },
    };
  }

  /** Parses and plans `sql` without running it: statement count and whether it is a query. */
  async inspect(sql: string): Promise<SqlInspection> {
    const extracted = await this.conn.extractStatements(sql);
    if (extracted.count === 0) return { statements: 0, isQuery: false };
    const ps = await extracted.prepare(0);
    try {
      return { statements: extracted.count, isQuery: ps.statementType === duck().StatementType.SELECT };
    } finally {
      ps.destroySync();
    }
  }

  /** The tables and views a query reads, as DuckDB's parser sees them. */
  tableNames(sql: string): string[] {
    return [...this.conn.getTableNames(sql, false)];
  }

  /** Closes the connection and the instance (idempotent). */
  close(): void {
    for (const ps of this.prepared.values()) ps.destroySync();
    this.prepared.clear();
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private async prepare(sql: string): Promise<DuckDBPreparedStatement> {
    let ps = this.prepared.get(sql);
    if (!ps) this.prepared.set(sql, (ps = await this.conn.prepare(sql)));
    return ps;
  }
}

/** Quotes a name as a SQL identifier. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Rows per data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

function duckType(type: SqlColumnType): DuckDBType {
  const d = duck();
  return { BOOLEAN: d.BOOLEAN, INTEGER: d.INTEGER, BIGINT: d.BIGINT, DOUBLE: d.DOUBLE, VARCHAR: d.VARCHAR, TIMESTAMP: d.TIMESTAMP }[type];
}

function toChunkColumn(values: readonly unknown[], start: number, n: number, type: SqlColumnType): DuckDBValue[] {
  const out = new Array<DuckDBValue>(n);
  for (let i = 0; i < n; i++) {
    const v = values[start + i];
    if (v === null || v === undefined) out[i] = null;
    else if (type === "TIMESTAMP") out[i] = duck().timestampValue(BigInt(Math.round((v as number) * 1000)));
    else if (type === "BIGINT") out[i] = typeof v === "bigint" ? v : BigInt(Math.trunc(v as number));
    else out[i] = v as DuckDBValue;
  }
  return out;
}

/** Quotes a string as a SQL literal: only for file paths in ATTACH, which takes no parameters. */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function configOf(options: DatabaseOptions): Record<string, string> {
  const config: Record<string, string> = {
    threads: String(options.threads ?? 1),
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  };
  if (options.readOnly) config.access_mode = "READ_ONLY";
  if (options.sandbox) Object.assign(config, { enable_external_access: "false", lock_configuration: "true" });
  return config;
}

function toDuck(value: SqlValue): DuckDBValue {
  if (Array.isArray(value)) return duck().listValue([...(value as readonly string[])]);
  return value as DuckDBValue;
}

let varcharList: DuckDBType | undefined;

// The binder cannot infer the item type of an empty list: name it.
function typeOf(value: SqlValue): DuckDBType | undefined {
  return Array.isArray(value) ? (varcharList ??= duck().LIST(duck().VARCHAR)) : undefined;
}

function fromDuck(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(fromDuck);
  return value;
}

type Appender = Awaited<ReturnType<DuckDBConnection["createAppender"]>>;

function appendOne(appender: Appender, value: string | number | boolean | null): void {
  if (value === null) appender.appendNull();
  else if (typeof value === "string") appender.appendVarchar(value);
  else if (typeof value === "boolean") appender.appendBoolean(value);
  else if (Number.isInteger(value)) appender.appendBigInt(BigInt(value));
  else appender.appendDouble(value);
}
