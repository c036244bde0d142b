import { GetQueueAttributesCommand, GetQueueUrlCommand, ListDeadLetterSourceQueuesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { deriveNames, type WorkerNames } from "../../modules/sqs-worker/names";
import { isMissingQueue } from "../shared/aws-errors";
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
    alarmNames: [names.alarm, names.deadLetterArrivalsAlarm, names.backlogAgeAlarm, names.errorsAlarm, names.throttlesAlarm],
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

/**
 * Finds a service's queue and DLQ, in this order: from `--queue-url` of the DLQ (its source
 * queue is then the one SQS lists as redriving into it); from the outputs of the stack deployed
 * from `projectDir` (its local state file); by the names the construct gives them, with the
 * stage's name prefix (standard first, then FIFO).
 */
export async function resolveWorkerQueues(
  sqs: SQSClient,
  options: { service: string; region: string; dlqUrl?: string; namePrefix?: string; projectDir?: string },
): Promise<WorkerQueues> {
  const prefix = options.namePrefix ?? "";
  const outputs = options.dlqUrl || !options.projectDir ? undefined : readStackQueueOutputs(options.projectDir, options.service, prefix);
  if (outputs) {
    try {
      const dlqArn = await arnOf(sqs, outputs.dlqUrl);
      const fifo = dlqArn.endsWith(".fifo");
      const names = deriveNames(options.service, fifo, prefix);
      return { queueUrl: outputs.queueUrl, queueArn: await arnOf(sqs, outputs.queueUrl), dlqUrl: outputs.dlqUrl, dlqArn, fifo, ...namedByConstruct(names) };
    } catch (error) {
      throw explainAwsError(error, `a queue named in ${outputs.source}`);
    }
  }
  if (options.dlqUrl) {
    const urlRegion = regionOfQueueUrl(options.dlqUrl);
    if (urlRegion && urlRegion !== options.region) {
      throw new DlqError(`--queue-url is in ${urlRegion} but the region is ${options.region}: pass --region ${urlRegion}`, EXIT.config);
    }
    try {
      const dlqArn = await arnOf(sqs, options.dlqUrl);
      const { queueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: options.dlqUrl }));
      if (queueUrls.length !== 1) {
        throw new DlqError(`${options.dlqUrl} is the dead-letter queue of ${queueUrls.length} queues, not exactly one: cannot tell where to redrive`, EXIT.config);
      }
      const fifo = dlqArn.endsWith(".fifo");
      return { queueUrl: queueUrls[0], queueArn: await arnOf(sqs, queueUrls[0]), dlqUrl: options.dlqUrl, dlqArn, fifo, ...namedByConstruct(deriveNames(options.service, fifo, prefix)) };
    } catch (error) {
      throw explainAwsError(error, `queue ${options.dlqUrl}`);
    }
  }
  for (const fifo of [false, true]) {
    const names = deriveNames(options.service, fifo, prefix);
    const [queueUrl, dlqUrl] = [await urlOf(sqs, names.queue), await urlOf(sqs, names.deadLetterQueue)];
    if (queueUrl && dlqUrl) {
      return { queueUrl, queueArn: await arnOf(sqs, queueUrl), dlqUrl, dlqArn: await arnOf(sqs, dlqUrl), fifo, ...namedByConstruct(names) };
    }
  }
  const names = deriveNames(options.service, false, prefix);
  throw new DlqError(
    `no queues ${names.queue} and ${names.deadLetterQueue} (or .fifo) in ${options.region}: check the service name and --region, or pass --queue-url`,
    EXIT.config,
  );
}
