import * as path from "path";
import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { isMissingQueue, whereAsked, type AwsPlace } from "../shared/aws-errors";
import {
  describeStage,
  shownPath,
  stagesOf,
  synthesizedStacks,
  synthesizedStacksHint,
  type StageChoice,
} from "../shared/stage";

/** Where the runner looks for a queue: for lookups and for saying where it looked. */
export type QueuePlace = AwsPlace;

/** The synthesized stack the runner runs: the service, the stage asked for, its stack id and the synth output. */
export interface StackTarget {
  readonly service: string;
  readonly stage: StageChoice;
  /** `<stage>-<service>`, or the service name without a stage. */
  readonly stackId: string;
  /** The synth output folder (`cdktf.out`, or cdktf.json's `output`, or --outdir). */
  readonly outdir: string;
}

/** `cdktf.out/stacks/dev-orders`, relative to `cwd` when inside it. */
export function stackFolderOf(target: StackTarget, cwd: string = process.cwd()): string {
  return shownPath(path.join(target.outdir, "stacks", target.stackId), cwd);
}

/**
 * The one line for a stack the synth did not write: the folder tried, with which stage; that a
 * stage (`--stage` or SQS_WORKER_STAGE) may be missing or another; the stacks the synth did
 * write (`stacks in cdktf.out: dev-orders, prod-orders (orders: --stage dev or --stage prod)`).
 */
export function missingStackMessage(target: StackTarget, cwd: string = process.cwd()): string {
  const stacks =
    synthesizedStacksHint(target.service, target.outdir, cwd) ||
    `no ${shownPath(path.join(target.outdir, "stacks"), cwd)} in ${cwd}`;
  // When the service's other stages are synthesized the app is: the way out is the stage, not a synth.
  const otherStages = stagesOf(target.service, synthesizedStacks(target.outdir, cwd) ?? []).length > 0;
  return (
    `no synthesized stack ${target.stackId} (${describeStage(target.stage)}): tried ${stackFolderOf(target, cwd)} ` +
    `(neither cdk.tf.json nor cdk.tf); a stage (--stage or SQS_WORKER_STAGE) may be missing or another; ${stacks}` +
    (otherStages ? "" : "; synthesize the app first (cdktf synth), or pass --outdir")
  );
}

/**
 * The one line for a service queue that is not there. The name is the one the synthesized stack
 * gives it, so the usual cause is a stack not deployed yet (here: region, endpoint), or another
 * stage that was deployed instead; the line names the queue, the stack, where it looked and the
 * ways out, with the service's other synthesized stages.
 */
export function missingQueueMessage(
  queueName: string,
  target: StackTarget,
  place: QueuePlace,
  cwd: string = process.cwd(),
): string {
  const others = stagesOf(
    target.service,
    (synthesizedStacks(target.outdir, cwd) ?? []).filter((stack) => stack !== target.stackId),
  );
  const otherStages = others.length > 0 ? `, run another stage of it (${others.join(" or ")})` : "";
  return (
    `no queue named "${queueName}" ${whereAsked(place)}: the stack ${target.stackId} (${stackFolderOf(target, cwd)}, ${describeStage(target.stage)}) names it; ` +
    `deploy it first (npx cdktf deploy ${target.stackId})${otherStages}, or pass --queue-url`
  );
}

/** The one line for a --queue-url that points at no queue. */
export function missingQueueUrlMessage(queueUrl: string, place: QueuePlace): string {
  return `no queue at --queue-url ${queueUrl} (asked ${whereAsked(place)}): check the URL, --region and --endpoint-url`;
}

/**
 * The URL of the queue named `queueName`. A missing queue becomes {@link missingQueueMessage};
 * any other failure one line naming the queue and where it was asked.
 */
export async function findQueueUrl(
  sqs: SQSClient,
  queueName: string,
  target: StackTarget,
  place: QueuePlace,
): Promise<string> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`GetQueueUrl returned no URL for "${queueName}" ${whereAsked(place)}`);
    return QueueUrl;
  } catch (error) {
    if (isMissingQueue(error)) throw new Error(missingQueueMessage(queueName, target, place), { cause: error });
    // AWS's own text ("connect ECONNREFUSED 127.0.0.1:1", an access error) says what failed but not on what.
    throw new Error(`could not look up queue "${queueName}" ${whereAsked(place)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
