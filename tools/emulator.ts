/**
 * npm run emulator [-- --port N]      (every option: npm run emulator -- --help)
 *
 * The local playground's AWS: the patched moto (tools/emulator/moto_server.py) in the
 * foreground on 127.0.0.1, with an SNS topic for the stacks' alert_sns_arn. Prints the
 * endpoint and the exact environment to export in another terminal; Ctrl-C stops it cleanly.
 */
import * as fs from "fs";
import * as path from "path";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { CliUsageError, helpText, integerOption, parseCli, type CliSpec } from "./shared/cli";
import { FAKE_AWS_ENV, startMoto } from "./emulator/moto";
import { findProviderMirror, mirrorOnlyCliConfig } from "./emulator/provider-mirror";

/** moto's own default port, so moto's documentation applies as is. */
export const DEFAULT_EMULATOR_PORT = 5000;
/** The topic the emulator creates for the stacks' `alert_sns_arn`. */
export const PLAYGROUND_TOPIC = "alerts";

/** The command line of `npm run emulator`, for parsing and for `--help`. */
export const EMULATOR_CLI: CliSpec = {
  usage: "npm run emulator [-- --port N]",
  summary:
    "Starts the AWS emulator (moto, patched to behave like SQS where Terraform and the worker need it) on 127.0.0.1 " +
    "in the foreground, creates an SNS topic for alert_sns_arn, and prints the environment to export. Ctrl-C stops it.",
  options: {
    port: { type: "string", short: "p", value: "N", description: `TCP port on 127.0.0.1, 1024 to 65535 (default ${DEFAULT_EMULATOR_PORT})` },
  },
};

/**
 * The `export` lines a shell needs to point terraform, cdktf, the SDK and the tools at the
 * emulator; with `cliConfig`, also at a Terraform CLI config that installs the provider from
 * a local mirror (machines without registry access).
 */
export function playgroundEnvironment(endpoint: string, topicArn: string, cliConfig?: string): string[] {
  return [
    `export AWS_ENDPOINT_URL=${endpoint}`,
    ...Object.entries(FAKE_AWS_ENV).map(([name, value]) => `export ${name}=${value}`),
    `export TF_VAR_alert_sns_arn=${topicArn}`,
    "export CHECKPOINT_DISABLE=1",
    ...(cliConfig ? [`export TF_CLI_CONFIG_FILE=${cliConfig}`] : []),
  ];
}

/**
 * Writes `.emulator/terraformrc` (git-ignored) when this machine has a local provider mirror,
 * so that deploys against the emulator never need the registry; returns its path.
 */
function writeMirrorCliConfig(): string | undefined {
  const mirror = findProviderMirror();
  if (!mirror) return undefined;
  const file = path.resolve(__dirname, "..", ".emulator", "terraformrc");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, mirrorOnlyCliConfig(mirror));
  return file;
}

async function main(argv: readonly string[]): Promise<number> {
  const { help, values, positionals } = parseCli(EMULATOR_CLI, argv);
  if (help) {
    process.stdout.write(`${helpText(EMULATOR_CLI)}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument ${positionals[0]}. usage: ${EMULATOR_CLI.usage}`);
  const port = integerOption(EMULATOR_CLI, values, "port", { min: 1024, max: 65_535 }, DEFAULT_EMULATOR_PORT);
  const moto = await startMoto({ port });
  const sns = new SNSClient({ region: FAKE_AWS_ENV.AWS_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: PLAYGROUND_TOPIC }));
  process.stdout.write(
    [
      `AWS emulator listening on ${moto.endpoint} (fake credentials, nothing leaves this machine).`,
      "In another terminal, export:",
      "",
      ...playgroundEnvironment(moto.endpoint, TopicArn!, writeMirrorCliConfig()).map((line) => `  ${line}`),
      "",
      "Then follow docs/playground.md. Ctrl-C stops the emulator (its data is gone with it).",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await moto.stop();
  process.stdout.write("emulator stopped\n");
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`emulator: ${error.message}\n`);
      process.exit(error instanceof CliUsageError ? 2 : 1);
    },
  );
}
