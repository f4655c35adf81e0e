/**
 * A `Datastore` is one datastore root: the source of truth for flows, runs, tasks, artifacts and
 * logs. It reads and writes the records of `records.ts` at the keys of `layout.ts` through a
 * `Storage` backend. Everything it writes is atomic; status is always written after what it covers.
 */
import type { Storage } from "./storage.js";
import { keys } from "./layout.js";
import type {
  ArtifactsRecord,
  AttemptRecord,
  DeploymentRecord,
  LineageRecord,
  RunPinsRecord,
  RunRecord,
  RunStatusRecord,
  TagsRecord,
  TaskRecord,
} from "./records.js";
import { bumpRunId, nextRunId } from "./run-id.js";
import { notifyRunChanged } from "./journal.js";
import { TaggingError } from "../util/errors.js";
import { assertArtifactName } from "../util/validate.js";
import { mapLimit } from "../util/concurrency.js";

const MAX_TAG_RETRIES = 100;

/** A new run's record, before the datastore gives it an id and a creation time. */
export type NewRunRecord = Omit<RunRecord, "runId" | "createdAt">;

/** One datastore root, read and written through a `Storage`. */
export class Datastore {
  /** The byte backend of this root. */
  readonly storage: Storage;

  constructor(storage: Storage) {
    this.storage = storage;
  }

  /** Where the root is (a path or URL), for messages. */
  get location(): string {
    return this.storage.location;
  }

  /** Names of every flow that has a run directory. */
  async listFlows(): Promise<string[]> {
    return (await this.storage.list(keys.flowsDir())).filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)).sort();
  }

  /** Ids of every run of a flow (any order). */
  async listRunIds(flow: string): Promise<string[]> {
    return (await this.storage.list(keys.runsDir(flow))).filter((n) => /^[0-9]+$/.test(n));
  }

  /** Creates a run with a fresh unique id; writes its record and its first tag revision. */
  async createRun(record: NewRunRecord, userTags: readonly string[]): Promise<RunRecord> {
    for (let id = nextRunId(); ; id = bumpRunId(id)) {
      // Announced before it exists: a runtime killed right after run.json still leaves the event
      // that makes the run index read the run (the index keeps such an event pending until it appears).
      await notifyRunChanged(this.storage, { flow: record.flow, runId: id, kind: "new" });
      const full: RunRecord = { ...record, runId: id, createdAt: Date.now() };
      if (await this.storage.write(keys.run(record.flow, id), json(full), { ifAbsent: true })) {
        const tags: TagsRecord = { rev: 0, userTags: [...new Set(userTags)], updatedAt: full.createdAt };
        await this.storage.write(keys.tagsRevision(record.flow, id, 0), json(tags), { ifAbsent: true });
        const { createdAt, user, systemTags, originRunId, endStep } = full;
        const created = { createdAt, user, systemTags, originRunId: originRunId ?? null, endStep, userTags: tags.userTags };
        await notifyRunChanged(this.storage, { flow: record.flow, runId: id, kind: "run", created });
        return full;
      }
    }
  }

  /** Reads a run's record, or undefined when the run does not exist. */
  async readRun(flow: string, runId: string): Promise<RunRecord | undefined> {
    return parse<RunRecord>(await this.storage.readText(keys.run(flow, runId)));
  }

  /** Records the pins a run was launched with: once, before its first task (create-only). */
  async writeRunPins(flow: string, runId: string, record: RunPinsRecord): Promise<void> {
    await this.storage.write(keys.runPins(flow, runId), json(record), { ifAbsent: true });
  }

  /** Reads the pins a run was launched with, or undefined when it was launched without pins. */
  async readRunPins(flow: string, runId: string): Promise<RunPinsRecord | undefined> {
    return parse<RunPinsRecord>(await this.storage.readText(keys.runPins(flow, runId)));
  }

  /** Reads the newest revision of a run's user tags. */
  async readTags(flow: string, runId: string): Promise<TagsRecord> {
    const revs = await this.tagRevisions(flow, runId);
    for (let i = revs.length - 1; i >= 0; i--) {
      const rec = parse<TagsRecord>(await this.storage.readText(keys.tagsRevision(flow, runId, revs[i]!)));
      if (rec) return rec;
    }
    return { rev: -1, userTags: [], updatedAt: 0 };
  }

  /**
   * Applies `edit` to a run's user tags as a compare-and-swap on create-only revision files, retrying
   * on conflict, so concurrent editors in several processes never lose an edit.
   */
  async updateTags(flow: string, runId: string, edit: (tags: string[]) => string[]): Promise<TagsRecord> {
    for (let attempt = 0; attempt < MAX_TAG_RETRIES; attempt++) {
      const current = await this.readTags(flow, runId);
      const next: TagsRecord = { rev: current.rev + 1, userTags: edit([...current.userTags]), updatedAt: Date.now() };
      if (await this.storage.write(keys.tagsRevision(flow, runId, next.rev), json(next), { ifAbsent: true })) {
        await notifyRunChanged(this.storage, { flow, runId, kind: "tags" });
        return next;
      }
      await sleep(Math.random() * 5 * (attempt + 1));
    }
    throw new TaggingError("Tagging failed due to too many conflicting updates from other processes");
  }

  private async tagRevisions(flow: string, runId: string): Promise<number[]> {
    const names = await this.storage.list(keys.tagsDir(flow, runId));
    return names
      .filter((n) => /^\d+\.json$/.test(n))
      .map((n) => Number(n.slice(0, -5)))
      .sort((a, b) => a - b);
  }

  /** Records how a run ended (display only: success is decided by the end task's attempt record). */
  async writeStatus(flow: string, runId: string, status: RunStatusRecord): Promise<void> {
    await this.storage.write(keys.status(flow, runId), json(status));
    await notifyRunChanged(this.storage, { flow, runId, kind: status.state === "successful" ? "ok" : "failed" });
  }

  /** Reads how a run ended, or undefined while it runs (or if its runtime died). */
  async readStatus(flow: string, runId: string): Promise<RunStatusRecord | undefined> {
    return parse<RunStatusRecord>(await this.storage.readText(keys.status(flow, runId)));
  }

  /** Names of the steps that have tasks in a run. */
  async listSteps(flow: string, runId: string): Promise<string[]> {
    return this.storage.list(keys.stepsDir(flow, runId));
  }

  /** Ids of the tasks of a step, in numeric order. */
  async listTaskIds(flow: string, runId: string, step: string): Promise<string[]> {
    const ids = (await this.storage.list(keys.tasksDir(flow, runId, step))).filter((n) => /^[0-9]+$/.test(n));
    return ids.sort((a, b) => Number(a) - Number(b));
  }

  /**
   * Writes a task's record. Only the run's own runtime creates its tasks (the run id is create-only
   * and task ids come from its scheduler), so a plain atomic write is enough.
   */
  async writeTask(record: TaskRecord): Promise<void> {
    const { flow, runId, step, taskId } = record;
    await this.storage.write(keys.task(flow, runId, step, taskId), json(record));
  }

  /** Reads a task's record, or undefined. */
  async readTask(flow: string, runId: string, step: string, taskId: string): Promise<TaskRecord | undefined> {
    return parse<TaskRecord>(await this.storage.readText(keys.task(flow, runId, step, taskId)));
  }

  /** The attempts a task has started, ascending. */
  async listAttempts(flow: string, runId: string, step: string, taskId: string): Promise<number[]> {
    const names = await this.storage.list(keys.taskDir(flow, runId, step, taskId));
    const nums = names.map(keys.parseAttemptName).filter((n): n is number => n !== undefined);
    return nums.sort((a, b) => a - b);
  }

  /**
   * Writes the artifacts visible after an attempt (before its attempt record).
   * @throws InvalidNameError when a name cannot name an artifact (nothing is written).
   */
  async writeArtifacts(flow: string, runId: string, step: string, taskId: string, attempt: number, refs: ArtifactsRecord): Promise<void> {
    for (const name of Object.keys(refs)) assertArtifactName(name);
    await this.storage.write(keys.artifacts(flow, runId, step, taskId, attempt), json(refs));
  }

  /** Reads the artifacts of an attempt (empty when none were stored). */
  async readArtifacts(flow: string, runId: string, step: string, taskId: string, attempt: number): Promise<ArtifactsRecord> {
    return parse<ArtifactsRecord>(await this.storage.readText(keys.artifacts(flow, runId, step, taskId, attempt))) ?? {};
  }

  /**
   * Writes an attempt's outcome: the last write of a task, atomic and create-only, so the first
   * outcome recorded stands (a runtime that records a crashed worker's failure cannot overwrite the
   * success the worker recorded just before it died).
   * @returns false when the attempt had an outcome already (nothing was written).
   */
  async writeDone(flow: string, runId: string, step: string, taskId: string, record: AttemptRecord): Promise<boolean> {
    return this.storage.write(keys.done(flow, runId, step, taskId, record.attempt), json(record), { ifAbsent: true });
  }

  /** Reads an attempt's outcome, or undefined while it runs (or if it was killed). */
  async readDone(flow: string, runId: string, step: string, taskId: string, attempt: number): Promise<AttemptRecord | undefined> {
    return parse<AttemptRecord>(await this.storage.readText(keys.done(flow, runId, step, taskId, attempt)));
  }

  /**
   * Appends to an attempt's stdout or stderr log. A backend without append (S3) gets one immutable,
   * numbered chunk per call instead (`<stream>/000000.log`, `000001.log`, ...): an attempt's log is
   * written by the one process that runs it, so a counter in this process numbers them.
   */
  async appendLog(flow: string, runId: string, step: string, taskId: string, attempt: number, stream: "stdout" | "stderr", text: string): Promise<void> {
    const key = keys.log(flow, runId, step, taskId, attempt, stream);
    if (this.storage.append) return this.storage.append(key, text);
    const seq = this.logChunks.get(key) ?? 0;
    this.logChunks.set(key, seq + 1);
    await this.storage.write(keys.logChunk(flow, runId, step, taskId, attempt, stream, seq), text);
  }

  private readonly logChunks = new Map<string, number>();

  /** Reads an attempt's stdout or stderr log ('' when empty): the log file, or its chunks in order. */
  async readLog(flow: string, runId: string, step: string, taskId: string, attempt: number, stream: "stdout" | "stderr"): Promise<string> {
    if (this.storage.append) return (await this.storage.readText(keys.log(flow, runId, step, taskId, attempt, stream))) ?? "";
    const dir = keys.logChunksDir(flow, runId, step, taskId, attempt, stream);
    const names = (await this.storage.list(dir)).filter((n) => /^\d+\.log$/.test(n)).sort();
    const parts = await mapLimit(names, 16, async (n) => (await this.storage.readText(`${dir}/${n}`)) ?? "");
    return parts.join("");
  }

  /** Writes what a task read from other runs (replacing an earlier attempt's record). */
  async writeLineage(flow: string, runId: string, step: string, taskId: string, record: LineageRecord): Promise<void> {
    await this.storage.write(keys.lineage(flow, runId, step, taskId), json(record));
  }

  /** Reads the lineage record of one task, or undefined when it read no other run. */
  async readLineage(flow: string, runId: string, step: string, taskId: string): Promise<LineageRecord | undefined> {
    return parse<LineageRecord>(await this.storage.readText(keys.lineage(flow, runId, step, taskId)));
  }

  /** Reads every lineage record of a run (one listing; none for a run that read nothing). */
  async readRunLineage(flow: string, runId: string): Promise<LineageRecord[]> {
    const names = (await this.storage.list(keys.lineageDir(flow, runId))).filter((n) => /^[A-Za-z_]\w*\.[0-9]+\.json$/.test(n));
    const records = await Promise.all(
      names.map((n) => {
        const [step, taskId] = n.split(".") as [string, string];
        return this.readLineage(flow, runId, step, taskId);
      }),
    );
    return records.filter((r): r is LineageRecord => r !== undefined);
  }

  /** Reads a flow's production deployment, or undefined. */
  async readDeployment(flow: string): Promise<DeploymentRecord | undefined> {
    return parse<DeploymentRecord>(await this.storage.readText(keys.deployment(flow)));
  }

  /**
   * Writes a flow's production deployment. The first deployment is create-only: of two people
   * deploying a flow for the first time at once, one gets the production namespace.
   * @param options - `create`: write only if the flow has no deployment yet.
   * @returns false when `create` was asked and a deployment exists (nothing was written).
   */
  async writeDeployment(record: DeploymentRecord, options: { create?: boolean } = {}): Promise<boolean> {
    return this.storage.write(keys.deployment(record.flow), json(record), { ifAbsent: options.create ?? false });
  }

  /** Tells the run index that a run's files changed in a way it must re-read (a resume, a repair). */
  async notifyRunChanged(flow: string, runId: string): Promise<void> {
    await notifyRunChanged(this.storage, { flow, runId });
  }

  /**
   * Tells the run index that an attempt of the run's end task recorded `outcome`, with the runs the
   * run's tasks read (every other task has ended by then), so readers need not re-read the run.
   */
  async notifyRunEnded(flow: string, runId: string, outcome: AttemptRecord): Promise<void> {
    const upstream = upstreamRuns(await this.readRunLineage(flow, runId));
    const ended = { attempt: outcome.attempt, success: outcome.success, finishedAt: outcome.finishedAt, upstream };
    await notifyRunChanged(this.storage, { flow, runId, kind: "end", ended });
  }
}

/** The distinct runs (`Flow/RunId`) that lineage records read, in first-read order. */
export function upstreamRuns(records: readonly { reads: readonly { pathspec: string }[] }[]): string[] {
  return [...new Set(records.flatMap((r) => r.reads.map((read) => read.pathspec.split("/").slice(0, 2).join("/"))))];
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function parse<T>(text: string | undefined): T | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
