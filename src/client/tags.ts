/**
 * The rules of user-tag edits on a run, as Metaflow's: tags are non-empty strings of at most 500
 * characters; system tags can't be removed (adding one is a no-op); a run carries at most 50 user
 * tags, though a set already above that may shrink.
 */
import { TaggingError } from "../util/errors.js";
import { assertTag, MAX_USER_TAGS } from "../util/validate.js";

/** A checked tag edit: what to remove, then what to add. */
export interface TagEdit {
  readonly remove: readonly string[];
  readonly add: readonly string[];
}

/**
 * Checks an edit against the run's system tags and returns it normalised (deduplicated, system tags
 * dropped from `add`).
 * @throws TaggingError with Metaflow's message for every broken rule.
 */
export function planTagEdit(systemTags: readonly string[], add: unknown, remove: unknown): TagEdit {
  const toAdd = tagList(add, "tags_to_add");
  const toRemove = tagList(remove, "tags_to_remove");
  if (toAdd.length === 0 && toRemove.length === 0) throw new TaggingError("Must add or remove at least one tag");
  const system = new Set(systemTags);
  const removingSystem = toRemove.filter((t) => system.has(t)).sort();
  if (removingSystem.length > 0) {
    throw new TaggingError(`Cannot remove a tag that is an existing system tag (${pythonList(removingSystem)})`);
  }
  return { remove: toRemove, add: toAdd.filter((t) => !system.has(t)) };
}

/**
 * Applies an edit to the current user tags: removals first, then additions.
 * @throws TaggingError `Cannot increase size of tag set beyond 50` when the set would grow past 50.
 */
export function applyTagEdit(current: readonly string[], edit: TagEdit): string[] {
  const removed = new Set(edit.remove);
  const next = [...new Set([...current.filter((t) => !removed.has(t)), ...edit.add])];
  if (next.length > MAX_USER_TAGS && next.length > new Set(current).size) {
    throw new TaggingError(`Cannot increase size of tag set beyond ${MAX_USER_TAGS}`);
  }
  return next;
}

function tagList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") throw new TaggingError(`${what} may not be a string`);
  if (typeof (value as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TaggingError(`${what} must be an iterable of strings`);
  }
  return [...new Set([...(value as Iterable<unknown>)].map(assertTag))];
}

/** Renders a list as Python's `str(list)` does (Metaflow's message shows one). */
function pythonList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s}'`).join(", ")}]`;
}
