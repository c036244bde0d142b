import { App, Testing, TerraformStack } from "cdktf";
import {
  addServiceStacks,
  collectWarnings,
  SqsWorker,
  SqsWorkerConfigError,
  type SqsWorkerProps,
} from "../modules/internal";
import { formatViolation } from "../modules/sqs-worker/config-error";
import { RENAMED_PROPS, asWritten } from "../modules/sqs-worker/renamed-props";
import { TEST_ENTRY } from "./helpers/props";

// The `alarm` group configured the dead-letter queue alarm, but its topicArn feeds every alarm:
// it became alarmTopicArn, deadLetterQueue.alarmPeriodSeconds and alarmEvaluationPeriods. The old
// names keep working with a warning; both at once are refused; the Terraform is the same.

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const OLD = { alarm: { topicArn: TOPIC, periodSeconds: 60, evaluationPeriods: 3 } };
const NEW = { alarmTopicArn: TOPIC, deadLetterQueue: { alarmPeriodSeconds: 60, alarmEvaluationPeriods: 3 } };

/** The synthesized stack and the warnings of one worker with `props`. */
function build(props: Partial<SqsWorkerProps>): { json: string; warnings: string[] } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new SqsWorker(stack, "Worker", { serviceName: "orders", lambda: { entry: TEST_ENTRY }, ...props });
  return { json: Testing.synth(stack), warnings: collectWarnings(app).map((w) => w.message) };
}

/** The lines of the config error `props` are refused with. */
function refusal(props: Partial<SqsWorkerProps>): string[] {
  try {
    build(props);
  } catch (error) {
    if (error instanceof SqsWorkerConfigError) return error.violations.map(formatViolation);
    throw error;
  }
  return [];
}

describe("the deprecated alarm group", () => {
  test("the old names still work, with one warning naming each replacement", () => {
    expect(build(OLD).warnings).toEqual([
      "orders: alarm.topicArn is deprecated: write alarmTopicArn instead; alarm.periodSeconds is deprecated: write deadLetterQueue.alarmPeriodSeconds instead; alarm.evaluationPeriods is deprecated: write deadLetterQueue.alarmEvaluationPeriods instead (same settings, same resources; alarmTopicArn is the topic of every alarm, not only the dead-letter queue's). [deprecated-prop]",
    ]);
  });

  test("the new names work without a warning", () => {
    expect(build(NEW).warnings).toEqual([]);
  });

  test("old and new names give byte-identical Terraform", () => {
    expect(build(OLD).json).toBe(build(NEW).json);
    // Mixed: the new topic with the old period.
    expect(build({ alarmTopicArn: TOPIC, alarm: { periodSeconds: 60, evaluationPeriods: 3 } }).json).toBe(
      build(NEW).json,
    );
    expect(build({ alarm: { topicArn: TOPIC } }).json).toBe(build({ alarmTopicArn: TOPIC }).json);
  });

  test("a setting given under both names is refused, naming both with their values", () => {
    expect(
      refusal({
        alarmTopicArn: TOPIC,
        deadLetterQueue: { alarmPeriodSeconds: 60, alarmEvaluationPeriods: 3 },
        alarm: { topicArn: TOPIC, periodSeconds: 120, evaluationPeriods: 2 },
      }),
    ).toEqual([
      `orders: alarmTopicArn cannot be given together with its deprecated name alarm.topicArn (given "${TOPIC}"): keep alarmTopicArn and remove alarm.topicArn (given "${TOPIC}")`,
      "orders: deadLetterQueue.alarmPeriodSeconds cannot be given together with its deprecated name alarm.periodSeconds (given 120): keep deadLetterQueue.alarmPeriodSeconds and remove alarm.periodSeconds (given 60)",
      "orders: deadLetterQueue.alarmEvaluationPeriods cannot be given together with its deprecated name alarm.evaluationPeriods (given 2): keep deadLetterQueue.alarmEvaluationPeriods and remove alarm.evaluationPeriods (given 3)",
    ]);
  });

  test("validation names the path the user wrote", () => {
    expect(refusal({ alarm: { topicArn: "alerts", periodSeconds: 45, evaluationPeriods: 0 } })).toEqual([
      'orders: alarm.topicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>) (given "alerts")',
      "orders: alarm.periodSeconds must be 10, 20, 30 or a positive multiple of 60 (given 45)",
      "orders: alarm.evaluationPeriods must be a positive integer (given 0)",
    ]);
    expect(
      refusal({ alarmTopicArn: "alerts", deadLetterQueue: { alarmPeriodSeconds: 45, alarmEvaluationPeriods: 0 } }),
    ).toEqual([
      'orders: alarmTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>) (given "alerts")',
      "orders: deadLetterQueue.alarmPeriodSeconds must be 10, 20, 30 or a positive multiple of 60 (given 45)",
      "orders: deadLetterQueue.alarmEvaluationPeriods must be a positive integer (given 0)",
    ]);
    // A rule naming another renamed prop in its text names it as written too.
    expect(refusal({ alarmTopicArn: TOPIC, alarm: { periodSeconds: 60, evaluationPeriods: 1441 } })).toEqual([
      "orders: alarm.evaluationPeriods times alarm.periodSeconds must be at most 86400 (one day) when the period is under an hour, and at most 604800 (7 days) otherwise (given evaluationPeriods 1441, periodSeconds 60)",
    ]);
  });

  test("ServiceStack's own topic (its alert_sns_arn variable) does not warn; a user's alarm.periodSeconds through it does", () => {
    const app = new App({ outdir: Testing.app().outdir });
    addServiceStacks(
      app,
      {
        quiet: { lambda: { entry: TEST_ENTRY } },
        old: { lambda: { entry: TEST_ENTRY }, alarm: { periodSeconds: 60 } },
      },
      { region: "us-east-1", backend: { kind: "local" } },
    );
    expect(collectWarnings(app).map((w) => `${w.path}: ${w.message}`)).toEqual([
      "old/Worker: old: alarm.periodSeconds is deprecated: write deadLetterQueue.alarmPeriodSeconds instead (same settings, same resources). [deprecated-prop]",
    ]);
  });

  test("asWritten replaces whole paths only", () => {
    expect(
      asWritten("deadLetterQueue.alarmPeriodSeconds, x.alarmTopicArn, alarmTopicArnX, alarmTopicArn", RENAMED_PROPS),
    ).toBe("alarm.periodSeconds, x.alarmTopicArn, alarmTopicArnX, alarm.topicArn");
  });
});
