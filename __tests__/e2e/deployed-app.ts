import * as path from "path";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import type { ServiceCatalog } from "../../modules/internal";
import { FAKE_AWS_ENV, startMoto, type MotoServer } from "../../tools/emulator/moto";
import { makeTempDir, removeDir, synthApp } from "../helpers/synth";
import { prepareTerraform, terraformOk } from "../helpers/terraform";

/** An app synthesized and applied against a fresh moto server, for one e2e suite. */
export interface DeployedApp {
  readonly moto: MotoServer;
  /** The emulator's environment for terraform and the tools (fake credentials, endpoint). */
  readonly env: NodeJS.ProcessEnv;
  /** Holds cdktf.out and the local state files (`terraform.<stack>.tfstate`). */
  readonly projectDir: string;
  readonly outdir: string;
  /** Destroys every stack, stops the emulator and removes the folders; safe to call twice. */
  readonly tearDown: () => Promise<void>;
}

/**
 * Synthesizes `services` (one stack each) into a temporary project folder, applies every stack
 * against a new moto server with the real Terraform CLI and provider mirror, in parallel (most of
 * an apply is the provider waiting for SQS attributes to settle, not CPU), and returns the
 * handles a suite needs. The alarm topic is created first, as an operator would. With `stages`,
 * every service once per stage (stacks `<stage>-<service>`), side by side.
 */
export async function deployApp(
  prefix: string,
  services: ServiceCatalog,
  options: { stages?: readonly string[] } = {},
): Promise<DeployedApp> {
  const tool = prepareTerraform();
  if (!tool.ok) throw new Error(`the e2e suite needs terraform and the provider mirror: ${tool.reason}`);
  const moto = await startMoto();
  const env = { ...FAKE_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint };
  const projectDir = makeTempDir(prefix);
  const outdir = path.join(projectDir, "cdktf.out");
  let stackDirs: Record<string, string> = {};
  let topicArn = "";
  const vars = () => ["-var", `alert_sns_arn=${topicArn}`];
  let torn = false;
  const tearDown = async () => {
    if (torn) return;
    torn = true;
    try {
      await Promise.allSettled(
        Object.values(stackDirs).map((dir) =>
          terraformOk(tool, dir, ["destroy", "-auto-approve", "-input=false", "-no-color", ...vars()], env),
        ),
      );
    } finally {
      await moto.stop();
      removeDir(projectDir);
      removeDir(tool.dir);
    }
  };
  try {
    const sns = new SNSClient({
      region: FAKE_AWS_ENV.AWS_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    topicArn = (await sns.send(new CreateTopicCommand({ Name: "alerts" }))).TopicArn!;
    stackDirs = await synthApp(outdir, { services, stages: options.stages });
    await Promise.all(
      Object.values(stackDirs).map(async (dir) => {
        await terraformOk(tool, dir, ["init", "-input=false", "-no-color"], env);
        await terraformOk(tool, dir, ["apply", "-auto-approve", "-input=false", "-no-color", ...vars()], env);
      }),
    );
  } catch (error) {
    await tearDown();
    throw error;
  }
  return { moto, env, projectDir, outdir, tearDown };
}
