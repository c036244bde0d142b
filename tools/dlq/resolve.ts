import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { alarmNamesOf, deriveNames, type WorkerNames } from "../../modules/tool-facts";
import { isMissingQueue, whereAsked, type AwsPlace } from "../shared/aws-errors";
import { describeStage, namePrefixOf, synthesizedStacksHint, type StageChoice } from "../shared/stage";
import { DlqError, EXIT, explainAwsError } from "./errors";
import { readStackQueueOutputs } from "./stack-outputs";

/** The two queues of one worker, resolved to URLs and ARNs. */
export interface WorkerQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  readonly fifo: boolean;
  /** The DLQ alarm's name, as the construct names it. */
  readonly alarmName: string;
  /** Every alarm of the worker, the DLQ alarm first (some may be turned off). */
  readonly alarmNames: readonly string[];
  /** The worker's log group, as the construct names it. */
  readonly logGroupName: string;
}

/** The names of the worker's alarms and log group, as the construct gives them. */
function namedByConstruct(names: WorkerNames): Pick<WorkerQueues, "alarmName" | "alarmNames" | "logGroupName"> {
  return {
    alarmName: names.alarm,
    alarmNames: alarmNamesOf(names),
    logGroupName: names.logGroup,
  };
}

/** The region in an SQS queue URL (https://sqs.<region>.amazonaws.com/...), if it has one. */
export function regionOfQueueUrl(url: string): string | undefined {
  return url.match(/^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//)?.[1];
}

async function arnOf(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  return Attributes!.QueueArn!;
}

/** True when IAM refused the call: under the operator policy, for a queue name the policy does not cover. */
function isAccessDenied(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? "";
  return /AccessDenied|NotAuthorized|UnauthorizedOperation/.test(name);
}

/**
 * A queue's URL by name, or undefined when it does not exist. Access denied counts as "not this
 * one" too: the `<service>-dlq-operator` policy grants only this service's queue ARNs, so asking
 * for the standard name of a FIFO service is refused rather than answered "does not exist".
 */
async function urlOf(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (isMissingQueue(error) || isAccessDenied(error)) return undefined;
    throw explainAwsError(error, `queue ${name}`);
  }
}

/** How {@link resolveWorkerQueues} finds a service's queues. */
export interface QueueLookup {
  readonly service: string;
  readonly region: string;
  /** The endpoint asked (an emulator), for messages; the client is already pointed at it. */
  readonly endpointUrl?: string;
  /** The DLQ's URL (`--queue-url`): the queues are then found from it. */
  readonly dlqUrl?: string;
  /** The stage asked for (`--stage`, SQS_WORKER_STAGE), for messages. @default no stage */
  readonly stage?: StageChoice;
  /** The workers' name prefix. @default the stage's, `<stage>-` (or none) */
  readonly namePrefix?: string;
  /** The app's folder: its local state files, and its synth output (`outdir`) for messages. */
  readonly projectDir?: string;
  /** The app's synth output, relative to `projectDir`: its stacks are listed when no queue is found. @default cdktf.out */
  readonly outdir?: string;
}

/**
 * Finds a service's queue and DLQ, in this order: from `--queue-url` of the DLQ (its source
 * queue is then the one SQS lists as redriving into it); from the outputs of the stack deployed
 * from `projectDir` (its local state file); by the names the construct gives them, with the
 * stage's name prefix (standard first, then FIFO). Finding none is one line:
 * {@link noQueuesMessage}.
 */
export async function resolveWorkerQueues(sqs: SQSClient, options: QueueLookup): Promise<WorkerQueues> {
  const stage = options.stage ?? { stage: undefined, from: undefined };
  const prefix = options.namePrefix ?? namePrefixOf(stage);
  const outputs =
    options.dlqUrl || !options.projectDir
      ? undefined
      : readStackQueueOutputs(options.projectDir, options.service, prefix);
  if (outputs) return fromStackOutputs(sqs, outputs, options.service, prefix);
  if (options.dlqUrl) return fromDlqUrl(sqs, options.dlqUrl, options, prefix);
  for (const fifo of [false, true]) {
    const names = deriveNames(options.service, fifo, prefix);
    const [queueUrl, dlqUrl] = [await urlOf(sqs, names.queue), await urlOf(sqs, names.deadLetterQueue)];
    if (queueUrl && dlqUrl) {
      return {
        queueUrl,
        queueArn: await arnOf(sqs, queueUrl),
        dlqUrl,
        dlqArn: await arnOf(sqs, dlqUrl),
        fifo,
        ...namedByConstruct(names),
      };
    }
  }
  throw new DlqError(noQueuesMessage({ ...options, stage, namePrefix: prefix }), EXIT.config);
}

/** The queues the deployed stack's outputs name (its local state file). */
async function fromStackOutputs(
  sqs: SQSClient,
  outputs: NonNullable<ReturnType<typeof readStackQueueOutputs>>,
  service: string,
  prefix: string,
): Promise<WorkerQueues> {
  try {
    const dlqArn = await arnOf(sqs, outputs.dlqUrl);
    const fifo = dlqArn.endsWith(".fifo");
    return {
      queueUrl: outputs.queueUrl,
      queueArn: await arnOf(sqs, outputs.queueUrl),
      dlqUrl: outputs.dlqUrl,
      dlqArn,
      fifo,
      ...namedByConstruct(deriveNames(service, fifo, prefix)),
    };
  } catch (error) {
    throw explainAwsError(error, `a queue named in ${outputs.source}`);
  }
}

/** `--queue-url` of the DLQ: its source queue is the one SQS lists as redriving into it, which must be exactly one. */
async function fromDlqUrl(
  sqs: SQSClient,
  dlqUrl: string,
  options: Pick<QueueLookup, "region" | "service">,
  prefix: string,
): Promise<WorkerQueues> {
  const urlRegion = regionOfQueueUrl(dlqUrl);
  if (urlRegion && urlRegion !== options.region) {
    throw new DlqError(
      `--queue-url is in ${urlRegion} but the region is ${options.region}: pass --region ${urlRegion}`,
      EXIT.config,
    );
  }
  try {
    const dlqArn = await arnOf(sqs, dlqUrl);
    const { queueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
    if (queueUrls.length !== 1) {
      throw new DlqError(
        `${dlqUrl} is the dead-letter queue of ${queueUrls.length} queues, not exactly one: cannot tell where to redrive`,
        EXIT.config,
      );
    }
    const fifo = dlqArn.endsWith(".fifo");
    return {
      queueUrl: queueUrls[0],
      queueArn: await arnOf(sqs, queueUrls[0]),
      dlqUrl,
      dlqArn,
      fifo,
      ...namedByConstruct(deriveNames(options.service, fifo, prefix)),
    };
  } catch (error) {
    throw explainAwsError(error, `queue ${dlqUrl}`);
  }
}

/**
 * The one line for a service whose queues are not there: the names tried (standard, then FIFO),
 * where, with which stage and prefix; that a stage or a prefix may be missing or another; and,
 * in an app's folder, the stacks its synth wrote (`stacks in cdktf.out: dev-invoices, ...`).
 */
export function noQueuesMessage(
  lookup: QueueLookup & { readonly stage: StageChoice; readonly namePrefix: string },
): string {
  const pairs = [false, true]
    .map((fifo) => deriveNames(lookup.service, fifo, lookup.namePrefix))
    .map((names) => `${names.queue} and ${names.deadLetterQueue}`);
  const stagePrefix = namePrefixOf(lookup.stage);
  const prefix =
    lookup.namePrefix === stagePrefix
      ? lookup.namePrefix
        ? `name prefix ${lookup.namePrefix}`
        : "no name prefix"
      : `--name-prefix ${JSON.stringify(lookup.namePrefix)}`;
  const stacks =
    lookup.projectDir === undefined
      ? ""
      : synthesizedStacksHint(lookup.service, lookup.outdir ?? "cdktf.out", lookup.projectDir);
  const place: AwsPlace = { region: lookup.region, endpointUrl: lookup.endpointUrl };
  return (
    `no queues of ${lookup.service} ${whereAsked(place)}: tried ${pairs.join(", then ")} (${describeStage(lookup.stage)}, ${prefix}); ` +
    `a stage (--stage or SQS_WORKER_STAGE) or a namePrefix (--name-prefix) may be missing or another${stacks ? `; ${stacks}` : ""}; ` +
    "else check the service name and --region, or pass --queue-url"
  );
}
