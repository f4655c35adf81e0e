/**
 * The snapshot file `index/index.duckdb`: an immutable DuckDB database holding the `runs` table,
 * sorted by flow and newest first. Nobody ever opens it read-write in place: it is written whole to
 * a unique temporary file, closed, and renamed over the old one, so any number of processes can
 * read it without a lock conflict. Readers attach it read-only and query it in place (no copy): an
 * attached file keeps its inode, so a rename over it does not disturb a reader until it re-attaches.
 */
import * as fs from "node:fs/promises";
import { tempName } from "../store/temp-name.js";
import { type Database, sqlLiteral } from "./duckdb.js";
import { ATTACH_EMPTY_BASE, CLEAR_TABLES, SNAPSHOT_FORMAT, WRITE_SNAPSHOT } from "./schema.js";

/** Raised inside the index when a snapshot file is missing, truncated, garbage or of another format. */
export class SnapshotUnreadable extends Error {
  /** True when the file does not exist at all. */
  readonly missing: boolean;

  constructor(message: string, missing: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.missing = missing;
  }
}

/** What identifies one version of the snapshot file: a rename over it changes the inode. */
export async function snapshotIdentity(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Makes the snapshot file the base of the index (attached read-only as `snap`, replacing the old
 * base) and empties the delta; returns when the snapshot was built. When the file cannot be read,
 * the base is left empty and `SnapshotUnreadable` is thrown.
 */
export async function loadSnapshot(db: Database, file: string): Promise<Date> {
  try {
    await db.run(`DETACH DATABASE IF EXISTS snap; ATTACH ${sqlLiteral(file)} AS snap (READ_ONLY)`);
  } catch (err) {
    await db.run(ATTACH_EMPTY_BASE);
    const missing = (await snapshotIdentity(file)) === undefined;
    throw new SnapshotUnreadable(missing ? "missing" : `unreadable (${firstLine(err)})`, missing, err);
  }
  try {
    const builtAt = await checkFormat(db);
    await db.run(CLEAR_TABLES);
    return builtAt;
  } catch (err) {
    await db.run(ATTACH_EMPTY_BASE);
    await db.run(CLEAR_TABLES);
    if (err instanceof SnapshotUnreadable) throw err;
    throw new SnapshotUnreadable(`unreadable (${firstLine(err)})`, false, err);
  }
}

async function checkFormat(db: Database): Promise<Date> {
  const { rows } = await db.query("SELECT key, value FROM snap.meta");
  const meta = new Map(rows.map((r) => [r[0] as string, r[1] as string]));
  if (meta.get("format") !== SNAPSHOT_FORMAT) {
    throw new SnapshotUnreadable(`of another format (${meta.get("format") ?? "none"})`, false);
  }
  return new Date(Number(meta.get("builtAt")));
}

/**
 * Writes the index's `runs` to a fresh temporary file beside `file`, closes it and renames it over
 * `file`. The caller holds the compaction lock.
 */
export async function writeSnapshot(db: Database, file: string): Promise<void> {
  const tmp = tempName(file);
  try {
    await db.run(`ATTACH ${sqlLiteral(tmp)} AS out`);
    await db.run(WRITE_SNAPSHOT);
    await db.run("INSERT INTO out.meta VALUES ('format', $1), ('builtAt', $2)", [SNAPSHOT_FORMAT, String(Date.now())]);
    await db.run("DETACH out");
    await fs.rm(`${file}.wal`, { force: true });
    await fs.rename(tmp, file);
  } finally {
    await db.run("DETACH DATABASE IF EXISTS out");
    await Promise.all([fs.rm(tmp, { force: true }), fs.rm(`${tmp}.wal`, { force: true })]);
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split("\n")[0]!
    .slice(0, 200);
}
