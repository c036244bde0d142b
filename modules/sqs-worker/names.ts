/** The AWS names of everything one worker creates, all derived from the service name. */
export interface WorkerNames {
  readonly queue: string;
  readonly deadLetterQueue: string;
  readonly alarm: string;
  readonly function: string;
  readonly role: string;
  readonly logGroup: string;
}

/**
 * Derives every resource name from the service name. One function, so the construct, the
 * validation and the operator tooling can never disagree about a name.
 */
export function deriveNames(serviceName: string): WorkerNames {
  const functionName = `${serviceName}-worker`;
  return {
    queue: `${serviceName}-queue`,
    deadLetterQueue: `${serviceName}-dlq`,
    alarm: `${serviceName}-dlq-not-empty`,
    function: functionName,
    role: functionName,
    logGroup: `/aws/lambda/${functionName}`,
  };
}
