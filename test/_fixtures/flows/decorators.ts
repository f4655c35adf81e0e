import { FlowSpec, step, retry, catchErrors, timeout, current } from "tsflow";

export class DecoratedFlow extends FlowSpec {
  attempts: number[] = [];
  err?: { type: string; message: string };
  afterCatch = false;

  @retry({ times: 2 })
  @step start() {
    console.log(`attempt ${current.retryCount}`);
    if ((current.retryCount ?? 0) < 1) throw new Error("first attempt fails");
    this.next(this.risky);
  }

  @catchErrors({ var: "err" })
  @step risky() {
    this.next(this.slow);
    throw new TypeError("deliberate failure");
  }

  @timeout({ seconds: 1 })
  @step slow() {
    this.afterCatch = true;
    const ms = Number(process.env.SLOW_MS ?? 0);
    if (process.env.SPIN) { const until = Date.now() + ms; while (Date.now() < until); }
    return new Promise<void>((resolve) => setTimeout(() => { this.next(this.end); resolve(); }, ms));
  }

  @step end() {}
}
