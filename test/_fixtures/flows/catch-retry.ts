// Metaflow's catch_retry.py: retries see their own attempt, a caught step keeps what it set before
// it threw, the error goes to the named artifact, and the caught task has no exception.
import { FlowSpec, step, retry, catchErrors, timeout, current } from "tsflow";

class ExternalCommandFailed extends Error {
  constructor(message: string, readonly command = "make") {
    super(message);
    this.name = "ExternalCommandFailed";
  }
}

export class CatchRetryFlow extends FlowSpec {
  testAttempt?: number;
  invisible?: boolean;
  retryWithCatch?: number;
  here?: boolean;
  ex?: unknown;
  endEx?: unknown;
  clean?: unknown;
  check?: boolean;
  timedOut?: unknown;

  @retry({ times: 3 })
  @step start() {
    this.testAttempt = current.retryCount;
    console.log(`stdout testing logs ${this.testAttempt}`);
    console.error(`stderr testing logs ${this.testAttempt}`);
    if (this.testAttempt! < 3) {
      this.invisible = true;
      throw new Error("retry me");
    }
    this.next(this.middle);
  }

  @catchErrors({ var: "ex", printException: false })
  @retry({ times: 2 })
  @step middle() {
    this.retryWithCatch = current.retryCount;
    this.next(this.calm);
    throw new RangeError("soft death");
  }

  @catchErrors({ var: "clean" })
  @step calm() {
    this.next(this.sleepy);
  }

  // timeout_decorator.py: a timed-out caught step keeps what it set and stores the timeout.
  @catchErrors({ var: "timedOut", printException: false })
  @timeout({ seconds: 1 })
  @step async sleepy() {
    this.check = true;
    this.next(this.end);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }

  @catchErrors({ var: "endEx", printException: false })
  @step end() {
    if (this.testAttempt !== 3) throw new Error("end must see the latest attempt's artifact");
    this.here = true;
    throw new ExternalCommandFailed("catch me!");
  }
}
