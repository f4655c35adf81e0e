/**
 * Canonical dictionary ids. apache-arrow numbers every `Dictionary` type from a process-wide counter,
 * and the id is written into the file, so two equal tables built apart would give different bytes
 * (and be stored twice). Before writing, ids are renumbered 0, 1, ... in field order (depth first);
 * fields that shared a dictionary id still share one. A table read back carries the new ids.
 */
import { DataType, Dictionary, Schema, type Field } from "apache-arrow";

/**
 * Returns `schema` with canonical dictionary ids, or `schema` itself when it has no dictionary.
 * @param schema - the schema of the table to write.
 */
export function canonicalSchema(schema: Schema): Schema {
  const ids = new Map<number, number>();
  const fields = schema.fields.map((f) => renumberField(f, ids));
  return ids.size === 0 ? schema : new Schema(fields, schema.metadata, null, schema.metadataVersion);
}

function renumberField(field: Field, ids: Map<number, number>): Field {
  const type = renumberType(field.type, ids);
  return type === field.type ? field : field.clone({ type });
}

function renumberType(type: DataType, ids: Map<number, number>): DataType {
  if (DataType.isDictionary(type)) return renumberDictionary(type, ids);
  const children = (type.children ?? []) as Field[];
  const renumbered = children.map((f) => renumberField(f, ids));
  if (renumbered.every((f, i) => f === children[i])) return type;
  // Nested types keep their children in an own `children` field: copy the type, swap the children.
  return Object.assign(Object.create(Object.getPrototypeOf(type) as object) as DataType, type, { children: renumbered });
}

function renumberDictionary(type: Dictionary, ids: Map<number, number>): Dictionary {
  const id = ids.get(type.id) ?? ids.size;
  ids.set(type.id, id);
  return new Dictionary(renumberType(type.dictionary, ids), type.indices, id, type.isOrdered);
}
