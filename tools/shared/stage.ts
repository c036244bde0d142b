/**
 * The one way every `sqs-worker` command finds a service of a stage (`dlq` and `run` alike):
 * `--stage`, else SQS_WORKER_STAGE, the same rule as ServiceStack's `stage` (modules/stage.ts);
 * the stack `<stage>-<service>`, the names `<stage>-<service>-...`; and, when nothing is found,
 * the stacks the app did synthesize, so the message can name the right one.
 */
import * as fs from "fs";
import * as path from "path";
import { serviceStackId, STAGE_PATTERN, stageNamePrefix, stageProblem } from "../../modules/tool-facts";
import { usageError, type CliOption, type CliSpec, type ParsedCli } from "./cli";

/** The environment variable that gives the stage when `--stage` does not (this repository's app reads it too). */
export const STAGE_ENV = "SQS_WORKER_STAGE" as const;

/** `--stage`, as every command that looks a service up lists it. */
export const STAGE_OPTION: CliOption = {
  type: "string",
  value: "STAGE",
  description: `the stage the service was synthesized with, such as dev: the stack <stage>-<service>, the names <stage>-<service>-queue... (default ${STAGE_ENV}; --stage "" for none)`,
};

/** The stage a command works on, and where it came from (for messages). */
export interface StageChoice {
  readonly stage: string | undefined;
  /** `--stage`, `SQS_WORKER_STAGE`, or undefined when neither names one. */
  readonly from: "--stage" | typeof STAGE_ENV | undefined;
}

/**
 * The stage from `--stage`, else SQS_WORKER_STAGE; the flag wins, and an empty value (either)
 * means no stage. A stage ServiceStack would refuse is a usage error naming where it came from.
 */
export function resolveStage(
  spec: CliSpec,
  values: ParsedCli["values"],
  env: Readonly<Record<string, string | undefined>>,
): StageChoice {
  const flag = values.stage as string | undefined;
  const [given, from]: [string | undefined, NonNullable<StageChoice["from"]>] =
    flag !== undefined ? [flag, "--stage"] : [env[STAGE_ENV], STAGE_ENV];
  if (given === undefined || given === "") return { stage: undefined, from: undefined };
  if (!STAGE_PATTERN.test(given))
    throw usageError(spec, `${from} ${stageProblem(given)} (given ${JSON.stringify(given)})`);
  return { stage: given, from };
}

/** `stage dev from --stage`, `stage dev from SQS_WORKER_STAGE` or `no stage`, for messages. */
export function describeStage(choice: StageChoice): string {
  return choice.stage === undefined ? "no stage" : `stage ${choice.stage} from ${choice.from}`;
}

/** The stack id of `service` in the chosen stage: `dev-invoices`, or `invoices` without a stage. */
export function stackIdOf(service: string, choice: StageChoice): string {
  return serviceStackId(service, choice.stage);
}

/** The name prefix the chosen stage gives a worker that sets none: `dev-`, or empty. */
export function namePrefixOf(choice: StageChoice): string {
  return stageNamePrefix(choice.stage);
}

/** The synth output folder of the app in `cwd`: cdktf.json's `output` when it names one, else cdktf.out. */
export function defaultOutdir(cwd: string = process.cwd()): string {
  try {
    const output = (JSON.parse(fs.readFileSync(path.join(cwd, "cdktf.json"), "utf8")) as { output?: unknown }).output;
    if (typeof output === "string" && output.trim()) return output;
  } catch {
    // no cdktf.json, or not JSON: the synth's default folder
  }
  return "cdktf.out";
}

/** `outdir` as a message shows it: relative to `cwd` when inside it (`cdktf.out`), else as given. */
export function shownPath(dir: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, dir));
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : dir;
}

/**
 * The stacks a synth wrote to `<outdir>/stacks` (folders holding cdk.tf.json or cdk.tf), sorted;
 * undefined when there is no such folder.
 */
export function synthesizedStacks(outdir: string, cwd: string = process.cwd()): string[] | undefined {
  const stacks = path.resolve(cwd, outdir, "stacks");
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(stacks, { withFileTypes: true });
  } catch {
    return undefined;
  }
  return entries
    .filter(
      (entry) =>
        entry.isDirectory() &&
        ["cdk.tf.json", "cdk.tf"].some((file) => fs.existsSync(path.join(stacks, entry.name, file))),
    )
    .map((entry) => entry.name)
    .sort();
}

/** How many stack names a message lists before "and N more". */
const LISTED_STACKS = 12;

/**
 * The `--stage` values that reach `service`'s synthesized stacks: `--stage dev` for
 * `dev-<service>`, `--stage ""` for `<service>` itself (no stage).
 */
export function stagesOf(service: string, stacks: readonly string[]): string[] {
  return stacks.flatMap((stack) => {
    if (stack === service) return ['--stage ""'];
    const stage = stack.endsWith(`-${service}`) ? stack.slice(0, -service.length - 1) : undefined;
    return stage !== undefined && STAGE_PATTERN.test(stage) ? [`--stage ${stage}`] : [];
  });
}

/**
 * What the app synthesized, for a message about `service` not found: `stacks in cdktf.out:
 * dev-invoices, prod-invoices (invoices: --stage dev or --stage prod)`, or `no stacks in
 * cdktf.out`. Empty when there is no `<outdir>/stacks` (the command may run outside the app's folder).
 */
export function synthesizedStacksHint(service: string, outdir: string, cwd: string = process.cwd()): string {
  const stacks = synthesizedStacks(outdir, cwd);
  if (stacks === undefined) return "";
  const where = shownPath(outdir, cwd);
  if (stacks.length === 0) return `no stacks in ${where}`;
  const listed =
    stacks.slice(0, LISTED_STACKS).join(", ") +
    (stacks.length > LISTED_STACKS ? ` and ${stacks.length - LISTED_STACKS} more` : "");
  const ways = stagesOf(service, stacks);
  return `stacks in ${where}: ${listed}${ways.length > 0 ? ` (${service}: ${ways.join(" or ")})` : ""}`;
}
