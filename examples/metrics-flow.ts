import { tableFromArrays } from "apache-arrow";
import { FlowSpec, Parameter, step } from "tsflow";

/** A training run in miniature: a JSON config and an Arrow table of per-epoch metrics. */
export class MetricsFlow extends FlowSpec {
  lr = Parameter("lr", { default: 0.1, help: "learning rate" });
  epochs = Parameter("epochs", { default: 5 });
  config: Record<string, unknown> = {};
  metrics: unknown = null;

  /** Records the configuration. */
  @step start() {
    this.config = { lr: this.lr, layers: [64, 32], optimizer: "sgd" };
    this.next(this.end);
  }

  /** Stores one row of metrics per epoch. */
  @step end() {
    const epoch = Int32Array.from({ length: this.epochs }, (_, i) => i + 1);
    const loss = Float64Array.from(epoch, (e) => Math.round((1 / (1 + this.lr * e)) * 1000) / 1000);
    this.metrics = tableFromArrays({ epoch, loss });
  }
}
