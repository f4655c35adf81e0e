/** A file that exports no FlowSpec subclass. */
export class NotAFlow {
  start(): void {}
}
export const answer = 42;
