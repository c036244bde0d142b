import { Testing, TerraformStack } from "cdktf";
import { SqsWorker, SqsWorkerConfigError } from "../modules/internal";
import { snapshotProps } from "../modules/sqs-worker/props-read-once";
import { TEST_ENTRY } from "./helpers/props";

// Values are checked the way the construct reads them. Each prop is read once
// (own keys, getters and prototype props alike) into a plain snapshot, and the checks and the
// build both use the snapshot, so a getter cannot show one value to the check and another to the build.

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const base = () => ({ serviceName: "orders", lambda: { entry: TEST_ENTRY }, alarmTopicArn: TOPIC });

/** Builds a worker from `props`: its error lines, or the worker. */
function attempt(props: unknown): { lines: string[]; worker?: SqsWorker } {
  const stack = new TerraformStack(Testing.app(), "test");
  try {
    return { lines: [], worker: new SqsWorker(stack, "Worker", props as never) };
  } catch (error) {
    if (!(error instanceof SqsWorkerConfigError)) throw error;
    return {
      lines: error.message
        .split("\n")
        .slice(1)
        .map((line) => line.replace(/^ {2}- /, "")),
    };
  }
}

describe("props read through getters and prototypes", () => {
  test('a fifo getter returning "false" is refused like an own key', () => {
    const queue = {
      get fifo() {
        return "false";
      },
    };
    expect(attempt({ ...base(), queue }).lines).toEqual(['orders: queue.fifo must be a boolean (given "false")']);
  });

  test("a getter on a class prototype is checked like an own key", () => {
    class QueueSettings {
      get fifo(): unknown {
        return 1;
      }
    }
    expect(attempt({ ...base(), queue: new QueueSettings() }).lines).toEqual([
      "orders: queue.fifo must be a boolean (given 1)",
    ]);
  });

  test("a prop inherited from a prototype is checked like an own key", () => {
    const deadLetterQueue = Object.create({ maxReceiveCount: 0 }) as object;
    expect(attempt({ ...base(), deadLetterQueue }).lines).toEqual([
      "orders: deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000 (given 0)",
    ]);
  });

  test("a getter is read once: the value checked is the value built", () => {
    let reads = 0;
    const queue = {
      get fifo() {
        reads += 1;
        return reads === 1; // true to the first reader, false to any later one
      },
    };
    const { worker } = attempt({ ...base(), queue });
    expect(reads).toBe(1);
    expect(worker?.names.queue).toBe("orders-queue.fifo");
    expect(worker?.config.queue.fifo).toBe(true);
  });

  test("environment variables from a getter are read once and written as read", () => {
    let reads = 0;
    const environment = {
      get STAGE() {
        reads += 1;
        return reads === 1 ? "dev" : "prod";
      },
    };
    const { worker } = attempt({ ...base(), lambda: { entry: TEST_ENTRY, environment } });
    expect(reads).toBe(1);
    expect(worker?.config.lambda.environment).toEqual({ STAGE: "dev" });
  });

  test("the snapshot is plain, frozen data", () => {
    const snapshot = snapshotProps({ ...base(), queue: Object.create({ fifo: true }) as object }) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.getPrototypeOf(snapshot.queue)).toBe(Object.prototype);
    expect(snapshot.queue).toEqual({ fifo: true });
    expect(Object.isFrozen(snapshot) && Object.isFrozen(snapshot.queue)).toBe(true);
  });
});

describe("valid neighbours", () => {
  test("an uppercase service name on its own synthesizes", () => {
    expect(attempt({ ...base(), serviceName: "Orders" }).worker?.names.function).toBe("Orders-worker");
  });

  test("an empty namePrefix synthesizes the names without a prefix", () => {
    expect(attempt({ ...base(), namePrefix: "" }).worker?.names.queue).toBe("orders-queue");
  });
});
