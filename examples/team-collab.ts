import { FlowSpec, step, current } from "tsflow";

/** A flow a team shares: it records who ran it and a random choice. */
export class TeamCollabFlow extends FlowSpec {
  choice?: number;

  /** Prints who runs the flow and in which namespace. */
  @step start() {
    console.log(`current.username: ${current.username}`);
    console.log(`current.namespace: ${current.namespace}`);
    this.next(this.end);
  }

  /** Stores a random choice. */
  @step end() {
    this.choice = [1, 2, 3, 4, 5][Math.floor(Math.random() * 5)];
    console.log(`Random choice was ${this.choice}`);
  }
}
