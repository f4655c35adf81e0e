/**
 * Resolves the values of a flow's parameters for a run (given values, defaults, default functions),
 * before any run is created: a missing or wrongly typed value creates nothing.
 */
import { checkParameterValue, parseParameterValue, type FlowParameter, type ParameterContext, type ParameterSpec } from "../flow/parameter.js";
import { ParameterError } from "../util/errors.js";

/**
 * Resolves every parameter: a given value (a string from the command line is parsed to the
 * parameter's type), else the default (a function default gets the context), else an error when
 * required. Returns values keyed by field name.
 * @throws ParameterError for an unknown name, a wrong type or a missing required value.
 */
export function resolveParameters(
  params: FlowParameter[],
  given: Record<string, unknown>,
  context: Omit<ParameterContext, "parameterName">,
): Record<string, unknown> {
  const byName = new Map(
    params.flatMap(
      (p) =>
        [
          [p.spec.name, p],
          [p.field, p],
        ] as const,
    ),
  );
  for (const key of Object.keys(given)) {
    if (!byName.has(key)) {
      const known = params.map((p) => `--${p.spec.name}`).join(", ") || "none";
      throw new ParameterError(`No such parameter '${key}' (the flow's parameters: ${known}).`);
    }
  }
  const values: Record<string, unknown> = {};
  for (const p of params) {
    const raw = p.spec.name in given ? given[p.spec.name] : given[p.field];
    values[p.field] = parameterValue(p.spec, raw, context);
  }
  return values;
}

function parameterValue(spec: ParameterSpec, raw: unknown, context: Omit<ParameterContext, "parameterName">): unknown {
  if (raw !== undefined) return typeof raw === "string" ? parseParameterValue(spec, raw) : checkParameterValue(spec, raw);
  const fallback =
    typeof spec.default === "function" ? (spec.default as (c: ParameterContext) => unknown)({ ...context, parameterName: spec.name }) : spec.default;
  if (fallback === undefined) {
    if (spec.required) throw new ParameterError(`Missing option '--${spec.name}': the parameter is required and has no default.`);
    return null;
  }
  return checkParameterValue(spec, fallback);
}
