/**
 * The input history of this kernel session, answered to `history_request` (tail, range and search,
 * as IPython's history manager does, but in memory only).
 */

/** One executed cell. */
export interface HistoryEntry {
  line: number;
  input: string;
  /** The `text/plain` of the cell's result, if it had one. */
  output?: string;
}

/** The fields of a `history_request` this kernel understands. */
export interface HistoryQuery {
  hist_access_type?: "tail" | "range" | "search";
  output?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

/** The session number reported for this kernel's history. */
export const SESSION = 1;

/** The cells executed in this kernel, in order. */
export class History {
  private readonly entries: HistoryEntry[] = [];

  add(entry: HistoryEntry): void {
    this.entries.push(entry);
  }

  /** Sets the output of the entry for `line`, if it exists. */
  setOutput(line: number, output: string): void {
    const entry = this.entries.find((e) => e.line === line);
    if (entry) entry.output = output;
  }

  /** The `history` field of a `history_reply`. */
  query(q: HistoryQuery): unknown[] {
    return this.select(q).map((e) => [SESSION, e.line, q.output ? [e.input, e.output ?? null] : e.input]);
  }

  private select(q: HistoryQuery): HistoryEntry[] {
    const n = q.n ?? this.entries.length;
    switch (q.hist_access_type ?? "tail") {
      case "range": {
        if (q.session !== undefined && q.session > 0 && q.session !== SESSION) return [];
        const start = q.start ?? 0;
        return this.entries.filter((e) => e.line >= start && (q.stop === undefined || q.stop === null || e.line < q.stop));
      }
      case "search": {
        const re = globToRegExp(q.pattern ?? "*");
        let found = this.entries.filter((e) => re.test(e.input));
        if (q.unique) found = found.filter((e, i) => found.findLastIndex((f) => f.input === e.input) === i);
        return n > 0 ? found.slice(-n) : found;
      }
      case "tail":
      default:
        return n > 0 ? this.entries.slice(-n) : [];
    }
  }
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s");
}
