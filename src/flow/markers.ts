/**
 * Marks that tie flow classes, steps and parameters to the runtime. They are registered symbols
 * (`Symbol.for`), so a flow compiled against one copy of tsflow works with another (notebook kernels).
 */

/** On a step method: its `StepOptions`. */
export const STEP = Symbol.for("tsflow.step");
/** On a value returned by `Parameter()`: its `ParameterSpec`. */
export const PARAMETER = Symbol.for("tsflow.parameter");
/** On a flow instance: the task context the runtime attached. */
export const TASK_STATE = Symbol.for("tsflow.taskState");
