import * as fs from "fs";
import * as path from "path";

/** The queue URLs a deployed stack published as outputs (`queue_url`, `dlq_url`). */
export interface StackQueueOutputs {
  readonly queueUrl: string;
  readonly dlqUrl: string;
  /** The `idempotency_table_name` output: the table's name, or undefined when the stack has none (idempotency off). */
  readonly idempotencyTableName: string | undefined;
  /** The state file they were read from, for messages. */
  readonly source: string;
}

/**
 * The outputs of a service deployed from this folder with the app's default local backend:
 * `terraform.<namePrefix><service>.tfstate` in `projectDir` (see ServiceStack). The state is
 * the truth about what was deployed, names and all; undefined when there is no such state or it
 * has no queue outputs (an S3 backend, or a stack not applied yet), and the tool looks the
 * queues up by name instead.
 */
export function readStackQueueOutputs(
  projectDir: string,
  service: string,
  namePrefix: string,
): StackQueueOutputs | undefined {
  const file = path.join(projectDir, `terraform.${namePrefix}${service}.tfstate`);
  let state: { outputs?: Record<string, { value?: unknown }> };
  try {
    state = JSON.parse(fs.readFileSync(file, "utf8")) as typeof state;
  } catch {
    return undefined;
  }
  const queueUrl = state.outputs?.queue_url?.value;
  const dlqUrl = state.outputs?.dlq_url?.value;
  const table = state.outputs?.idempotency_table_name?.value;
  return typeof queueUrl === "string" && typeof dlqUrl === "string"
    ? {
        queueUrl,
        dlqUrl,
        idempotencyTableName: typeof table === "string" && table !== "" ? table : undefined,
        source: file,
      }
    : undefined;
}
