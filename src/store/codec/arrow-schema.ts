/**
 * Canonical dictionary ids. apache-arrow numbers every `Dictionary` type from a process-wide counter,
 * and the id is written into the file, so two equal tables built apart would give different bytes
 * (and be stored twice). Before writing, ids are renumbered 0, 1, ... in field order (depth first);
 * fields that shared a dictionary id still share one. A table read back carries the new ids.
 */
import type { DataType, Dictionary, Field, Schema } from "apache-arrow";
import type { ArrowLibrary } from "./arrow-library.js";

/**
 * Returns `schema` with canonical dictionary ids, or `schema` itself when it has no dictionary.
 * @param schema - the schema of the table to write.
 * @param lib - the copy of apache-arrow the schema comes from (its classes build the new schema).
 */
export function canonicalSchema(schema: Schema, lib: ArrowLibrary): Schema {
  const ids = new Map<number, number>();
  const fields = schema.fields.map((f) => renumberField(f, ids, lib));
  return ids.size === 0 ? schema : new lib.Schema(fields, schema.metadata, null, schema.metadataVersion);
}

function renumberField(field: Field, ids: Map<number, number>, lib: ArrowLibrary): Field {
  const type = renumberType(field.type, ids, lib);
  return type === field.type ? field : field.clone({ type });
}

function renumberType(type: DataType, ids: Map<number, number>, lib: ArrowLibrary): DataType {
  if (lib.DataType.isDictionary(type)) return renumberDictionary(type, ids, lib);
  const children = (type.children ?? []) as Field[];
  const renumbered = children.map((f) => renumberField(f, ids, lib));
  if (renumbered.every((f, i) => f === children[i])) return type;
  // Nested types keep their children in an own `children` field: copy the type, swap the children.
  return Object.assign(Object.create(Object.getPrototypeOf(type) as object) as DataType, type, { children: renumbered });
}

function renumberDictionary(type: Dictionary, ids: Map<number, number>, lib: ArrowLibrary): Dictionary {
  const id = ids.get(type.id) ?? ids.size;
  ids.set(type.id, id);
  return new lib.Dictionary(renumberType(type.dictionary, ids, lib), type.indices, id, type.isOrdered);
}
