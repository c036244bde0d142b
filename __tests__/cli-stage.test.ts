import * as fs from "fs";
import * as path from "path";
import { DLQ_CLI, parseDlqArgs } from "../tools/dlq";
import { resolveWorkerQueues } from "../tools/dlq/resolve";
import { CliUsageError } from "../tools/shared/cli";
import { resolveStage, STAGE_OPTION, synthesizedStacksHint } from "../tools/shared/stage";
import { main as runMain, parseWorkerLocalArgs, WORKER_LOCAL_CLI } from "../tools/worker-local";
import { stubSqs } from "./helpers/stub-sqs";
import { tempDirsRemovedAfterAll } from "./helpers/synth";
import { thrownBy } from "./helpers/thrown";

// `--stage` on `sqs-worker dlq` and `sqs-worker run`: one option, one resolution (the flag, else
// SQS_WORKER_STAGE, the same rule as ServiceStack's stage), the stage reaching the names (dlq) and
// the stack folder (run) as ServiceStack gives them; and the one line each says when it finds
// nothing: what it tried, where, that a stage or a prefix may be missing, the stacks synthesized.

const temp = tempDirsRemovedAfterAll();

/** An app folder whose synth wrote these stacks (their configuration is not read here). */
function appWithStacks(stacks: readonly string[]): string {
  const app = temp("cli-stage-app");
  for (const stack of stacks) {
    fs.mkdirSync(path.join(app, "cdktf.out", "stacks", stack), { recursive: true });
    fs.writeFileSync(path.join(app, "cdktf.out", "stacks", stack, "cdk.tf.json"), "{}");
  }
  return app;
}

const STAGE_RULE =
  'must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, such as "dev" or "prod" (it starts the stack id and every AWS name: <stage>-<service>)';

describe("the stage of a command", () => {
  const resolve = (argv: string[], env: Record<string, string> = {}) => {
    const values = argv.length === 0 ? {} : { stage: argv[0] };
    return resolveStage(DLQ_CLI, values, env);
  };

  test("is --stage, else SQS_WORKER_STAGE; the flag wins; an empty value of either is no stage", () => {
    expect(resolve(["dev"])).toEqual({ stage: "dev", from: "--stage" });
    expect(resolve([], { SQS_WORKER_STAGE: "prod" })).toEqual({ stage: "prod", from: "SQS_WORKER_STAGE" });
    expect(resolve(["dev"], { SQS_WORKER_STAGE: "prod" })).toEqual({ stage: "dev", from: "--stage" });
    expect(resolve([""], { SQS_WORKER_STAGE: "prod" })).toEqual({ stage: undefined, from: undefined });
    expect(resolve([], { SQS_WORKER_STAGE: "" })).toEqual({ stage: undefined, from: undefined });
    expect(resolve([])).toEqual({ stage: undefined, from: undefined });
  });

  test("one ServiceStack refuses is a usage error naming where it came from", () => {
    expect(() => resolve(["Dev"])).toThrow(CliUsageError);
    expect(() => resolve(["Dev"])).toThrow(`--stage ${STAGE_RULE} (given "Dev"). usage: `);
    expect(() => resolve([], { SQS_WORKER_STAGE: "dev-" })).toThrow(
      `SQS_WORKER_STAGE ${STAGE_RULE} (given "dev-"). usage: `,
    );
  });

  test("is the same option on dlq and run", () => {
    expect(DLQ_CLI.options.stage).toBe(STAGE_OPTION);
    expect(WORKER_LOCAL_CLI.options.stage).toBe(STAGE_OPTION);
    expect(STAGE_OPTION.for).toBeUndefined(); // every dlq command
  });
});

describe("sqs-worker dlq --stage", () => {
  const parse = (argv: string[], env: Record<string, string> = {}) => {
    const args = parseDlqArgs(argv, env);
    if ("help" in args) throw new Error("help");
    return args;
  };

  test("gives the names the stage's prefix, on every command; --name-prefix wins for a worker with its own", () => {
    for (const command of ["status", "peek", "redrive", "cancel", "purge", "send", "logs"]) {
      expect(parse(["invoices", command, "--stage", "prod"])).toMatchObject({
        stage: { stage: "prod", from: "--stage" },
        namePrefix: "prod-",
      });
    }
    expect(parse(["invoices", "status"], { SQS_WORKER_STAGE: "dev" }).namePrefix).toBe("dev-");
    expect(parse(["invoices", "status", "--stage", "prod"], { SQS_WORKER_STAGE: "dev" }).namePrefix).toBe("prod-");
    expect(parse(["invoices", "status", "--stage", ""], { SQS_WORKER_STAGE: "dev" }).namePrefix).toBe("");
    expect(parse(["invoices", "status", "--stage", "prod", "--name-prefix", "blue-"]).namePrefix).toBe("blue-");
  });

  test("a bad stage is a usage error (exit 2)", () => {
    const error = thrownBy(() => parseDlqArgs(["invoices", "status", "--stage", "Prod"], {}));
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toMatch(/^--stage must be lowercase/);
  });

  test("finding no queue names the names tried, where, the stage, that a stage or prefix may be missing, and the stacks synthesized", async () => {
    const app = appWithStacks(["dev-invoices", "prod-invoices", "dev-billing"]);
    const missing = () => {
      throw Object.assign(new Error("The specified queue does not exist."), { name: "QueueDoesNotExist" });
    };
    const { client, calls } = stubSqs({ GetQueueUrlCommand: missing });
    const noStage = { stage: undefined, from: undefined };
    await expect(
      resolveWorkerQueues(client, {
        service: "invoices",
        region: "us-east-1",
        endpointUrl: "http://127.0.0.1:5000",
        stage: noStage,
        projectDir: app,
      }),
    ).rejects.toMatchObject({
      exitCode: 3,
      message:
        "no queues of invoices in us-east-1 at http://127.0.0.1:5000: tried invoices-queue and invoices-dlq, then invoices-queue.fifo and invoices-dlq.fifo (no stage, no name prefix); " +
        "a stage (--stage or SQS_WORKER_STAGE) or a namePrefix (--name-prefix) may be missing or another; " +
        "stacks in cdktf.out: dev-billing, dev-invoices, prod-invoices (invoices: --stage dev or --stage prod); else check the service name and --region, or pass --queue-url",
    });
    expect(calls.map((call) => call.input.QueueName)).toEqual([
      "invoices-queue",
      "invoices-dlq",
      "invoices-queue.fifo",
      "invoices-dlq.fifo",
    ]);

    const qa = { stage: "qa", from: "SQS_WORKER_STAGE" } as const;
    await expect(
      resolveWorkerQueues(client, { service: "invoices", region: "eu-west-1", stage: qa, projectDir: app }),
    ).rejects.toThrow(
      /^no queues of invoices in eu-west-1 on AWS: tried qa-invoices-queue and qa-invoices-dlq, then qa-invoices-queue\.fifo and qa-invoices-dlq\.fifo \(stage qa from SQS_WORKER_STAGE, name prefix qa-\); /,
    );
    await expect(
      resolveWorkerQueues(client, { service: "invoices", region: "eu-west-1", stage: qa, namePrefix: "blue-" }),
    ).rejects.toThrow(
      '(stage qa from SQS_WORKER_STAGE, --name-prefix "blue-"); a stage (--stage or SQS_WORKER_STAGE) or a namePrefix (--name-prefix) may be missing or another; else check',
    );
  });

  test("the stacks listed are the synth output folder's (cdktf.json's output), none when it is empty, nothing said without one", () => {
    const app = appWithStacks([]);
    fs.mkdirSync(path.join(app, "cdktf.out", "stacks"), { recursive: true });
    fs.mkdirSync(path.join(app, "synth", "stacks", "invoices"), { recursive: true });
    fs.writeFileSync(path.join(app, "synth", "stacks", "invoices", "cdk.tf"), "");
    expect(synthesizedStacksHint("invoices", "synth", app)).toBe('stacks in synth: invoices (invoices: --stage "")');
    expect(synthesizedStacksHint("invoices", "cdktf.out", app)).toBe("no stacks in cdktf.out");
    expect(synthesizedStacksHint("invoices", "nowhere", app)).toBe("");
  });
});

describe("sqs-worker run --stage", () => {
  test("takes the stage from the flag, else SQS_WORKER_STAGE", () => {
    const parse = (argv: string[], env: Record<string, string> = {}) =>
      parseWorkerLocalArgs(argv, env) as Exclude<ReturnType<typeof parseWorkerLocalArgs>, "help">;
    expect(parse(["invoices", "--stage", "dev"]).stage).toEqual({ stage: "dev", from: "--stage" });
    expect(parse(["invoices"], { SQS_WORKER_STAGE: "prod" }).stage).toEqual({
      stage: "prod",
      from: "SQS_WORKER_STAGE",
    });
    expect(() => parse(["invoices", "--stage", "dev-"])).toThrow(/^--stage must be lowercase/);
  });

  test("reads <outdir>/stacks/<stage>-<service>; none there is one line listing the stacks synthesized (exit 1, no AWS call)", async () => {
    const app = appWithStacks(["dev-invoices", "prod-invoices"]);
    const outdir = path.join(app, "cdktf.out");
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await runMain([
        "invoices",
        "--stage",
        "qa",
        "--outdir",
        outdir,
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:1",
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(1);
    const tried = path.join(outdir, "stacks", "qa-invoices");
    expect(written.join("").trim().split("\n").pop()).toBe(
      `run: no synthesized stack qa-invoices (stage qa from --stage): tried ${tried} ` +
        "(neither cdk.tf.json nor cdk.tf); a stage (--stage or SQS_WORKER_STAGE) may be missing or another; " +
        `stacks in ${outdir}: dev-invoices, prod-invoices (invoices: --stage dev or --stage prod)`,
    );
  });
});
