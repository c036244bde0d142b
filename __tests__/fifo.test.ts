import { onlyResource, resourceWhere, resources, synthService, type TerraformJson } from "./helpers/synth";

/** The environment variables of a stack's only function. */
function variablesOf(json: TerraformJson): Record<string, string> | undefined {
  const fn = onlyResource(json, "aws_lambda_function") as { environment?: { variables?: Record<string, string> } };
  return fn.environment?.variables;
}

describe("a FIFO worker", () => {
  const json = synthService("ledger", { queue: { fifo: true, contentBasedDeduplication: true } });
  const queue = resources(json, "aws_sqs_queue").find((q) => q.name === "ledger-queue.fifo") as Record<string, unknown>;
  const dlq = resources(json, "aws_sqs_queue").find((q) => q.name === "ledger-dlq.fifo") as Record<string, unknown>;

  test("makes both queues FIFO with .fifo names", () => {
    expect(queue).toMatchObject({ fifo_queue: true });
    expect(dlq).toMatchObject({ fifo_queue: true });
  });

  test("sets content-based deduplication on the source queue when asked", () => {
    expect(queue.content_based_deduplication).toBe(true);
    expect(dlq.content_based_deduplication).toBeUndefined();
  });

  test("leaves the batching window out of the mapping, which FIFO does not support", () => {
    const esm = onlyResource(json, "aws_lambda_event_source_mapping");
    expect(esm.maximum_batching_window_in_seconds).toBeUndefined();
    expect(esm).toMatchObject({ batch_size: 10, function_response_types: ["ReportBatchItemFailures"] });
  });

  test("tells the worker the maxReceiveCount, so a message on its last receive does not take its group's later messages to the DLQ", () => {
    expect(variablesOf(json)).toMatchObject({
      SQS_WORKER_MAX_RECEIVE_COUNT: "3",
    });
    const five = synthService("ledger5", { queue: { fifo: true }, deadLetterQueue: { maxReceiveCount: 5 } });
    expect(variablesOf(five)).toMatchObject({
      SQS_WORKER_MAX_RECEIVE_COUNT: "5",
    });
  });

  test("alarms on the FIFO dead-letter queue", () => {
    expect(
      resourceWhere(json, "aws_cloudwatch_metric_alarm", "alarm_name", "ledger-dlq-not-empty").body.dimensions,
    ).toEqual({ QueueName: expect.stringMatching(/^\$\{aws_sqs_queue\.Worker_DeadLetterQueue_/) as string });
  });
});

describe("a standard worker", () => {
  const json = synthService("plain");

  test("does not get the FIFO plumbing's maxReceiveCount variable", () => {
    expect(variablesOf(json)?.SQS_WORKER_MAX_RECEIVE_COUNT).toBeUndefined();
  });

  test("writes neither fifo_queue nor content_based_deduplication", () => {
    for (const q of resources(json, "aws_sqs_queue")) {
      expect(q.fifo_queue).toBeUndefined();
      expect(q.content_based_deduplication).toBeUndefined();
    }
  });

  test("can remove the maximum concurrency cap", () => {
    expect(
      onlyResource(
        synthService("uncapped", {
          eventSource: { maximumConcurrency: false },
          deadLetterQueue: { maxReceiveCount: 5 },
        }),
        "aws_lambda_event_source_mapping",
      ).scaling_config,
    ).toBeUndefined();
  });
});
