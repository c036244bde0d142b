import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { isMissingQueue } from "../shared/aws-errors";

/** Where the runner looks for a queue: for lookups and for saying where it looked. */
export interface QueuePlace {
  readonly region: string;
  /** An endpoint such as the emulator's; `undefined` for AWS itself. */
  readonly endpointUrl?: string;
}

function where(place: QueuePlace): string {
  return `in ${place.region} ${place.endpointUrl ? `at ${place.endpointUrl}` : "on AWS"}`;
}

/**
 * The stage part of the synthesized name: the synth puts the name prefix (`namePrefix`, which
 * SQS_WORKER_STAGE=dev sets to `dev-`) in front of `<service>-queue`.
 */
function synthesizedPrefix(queueName: string, serviceName: string): string {
  const at = queueName.lastIndexOf(`${serviceName}-queue`);
  return at > 0 ? queueName.slice(0, at) : "";
}

/**
 * The one line for a service queue that is not there. The name is the synthesized one, stage
 * prefix included, so the usual causes are a stack not deployed yet or deployed under another
 * stage than the one synthesized; the line names the queue, where it looked and both ways out.
 */
export function missingQueueMessage(queueName: string, serviceName: string, place: QueuePlace, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const prefix = synthesizedPrefix(queueName, serviceName);
  const synthesized = prefix ? `synthesized with the name prefix "${prefix}" (SQS_WORKER_STAGE or namePrefix)` : "synthesized without a stage prefix";
  // Empty means no stage, as for the app (modules/app.ts settingsFromEnv).
  const stage = env.SQS_WORKER_STAGE || undefined;
  const shell = stage !== undefined && `${stage}-` !== prefix ? `; this shell has SQS_WORKER_STAGE=${stage}, so run \`npm run synth\` again` : "";
  return (
    `no queue named "${queueName}" ${where(place)}: the stack was ${synthesized}${shell}; ` +
    `deploy it first (npx cdktf deploy ${serviceName}), synthesize with the stage it was deployed under, or pass --queue-url`
  );
}

/**
 * The one line refusing a run whose shell names another stage than the synthesized stack: with
 * SQS_WORKER_STAGE=dev set, `npm run synth` would name the queue `dev-<service>-queue`, so a
 * cdktf.out synthesized without it (or with another stage) would send the runner to another
 * stage's queue. `undefined` when they agree or the shell names no stage (the synth decides).
 */
export function stageMismatch(queueName: string, serviceName: string, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const stage = env.SQS_WORKER_STAGE || undefined; // empty means no stage, as for the app
  const prefix = synthesizedPrefix(queueName, serviceName);
  if (stage === undefined || `${stage}-` === prefix) return undefined;
  const synthesized = prefix ? `with the name prefix "${prefix}"` : "without a stage";
  return (
    `this shell has SQS_WORKER_STAGE=${stage}, but ${serviceName} was synthesized ${synthesized} (queue "${queueName}"): ` +
    `run \`SQS_WORKER_STAGE=${stage} npm run synth\` first, or unset SQS_WORKER_STAGE to run the synthesized stage, or pass --queue-url`
  );
}

/** The one line for a --queue-url that points at no queue. */
export function missingQueueUrlMessage(queueUrl: string, place: QueuePlace): string {
  return `no queue at --queue-url ${queueUrl} (asked ${where(place)}): check the URL, --region and --endpoint-url`;
}

/**
 * The URL of the queue named `queueName`. A missing queue becomes {@link missingQueueMessage};
 * any other failure one line naming the queue and where it was asked.
 */
export async function findQueueUrl(sqs: SQSClient, queueName: string, serviceName: string, place: QueuePlace): Promise<string> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`GetQueueUrl returned no URL for "${queueName}" ${where(place)}`);
    return QueueUrl;
  } catch (error) {
    if (isMissingQueue(error)) throw new Error(missingQueueMessage(queueName, serviceName, place));
    // AWS's own text ("connect ECONNREFUSED 127.0.0.1:1", an access error) says what failed but not on what.
    throw new Error(`could not look up queue "${queueName}" ${where(place)}: ${(error as Error).message}`);
  }
}
