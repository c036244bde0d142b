/**
 * sqs-worker <command> [options]      (the package's bin: npx sqs-worker --help)
 *
 * The package's one command, driven by the command table below: each command has its summary,
 * its own options (a CliSpec) and its handler. `sqs-worker --help` lists the commands,
 * `sqs-worker <command> --help` exactly that command's options; an unknown command, or an
 * option that is not the command's, is a usage error (exit 2). This repository's
 * `npm run dlq`, `npm run worker:local` and `npm run emulator` run this file too.
 */
import { DLQ_COMMAND } from "./dlq";
import { EMULATOR_COMMAND } from "./emulator";
import { USAGE_EXIT, type CliCommand } from "./shared/cli";
import { RUN_COMMAND } from "./worker-local";

/** The command table: every command of `sqs-worker`, in the order --help lists them. */
export const COMMANDS: readonly CliCommand[] = [DLQ_COMMAND, RUN_COMMAND, EMULATOR_COMMAND];

/** The text `sqs-worker --help` prints: usage and every command with its summary. */
export function topLevelHelp(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    "usage: sqs-worker <command> [arguments] [options]",
    "",
    "Operates and tries the SQS workers of a cdktf app built with sqs-worker-cdktf; run it in the app's folder.",
    "",
    "commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "options:",
    "  -h, --help  print this help and exit",
    "",
    "Every command's options: sqs-worker <command> --help. Exit codes: 0 ok, 1 failure, 2 usage; each command lists its own.",
  ].join("\n");
}

/**
 * Runs `sqs-worker` with `argv` (the arguments after the program name) and resolves with the
 * exit code; the command's handler writes its own output.
 */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h") {
    out(topLevelHelp(commands));
    return 0;
  }
  const usage = "usage: sqs-worker <command> [arguments] [options] (sqs-worker --help lists the commands)";
  if (name === undefined) {
    err(`sqs-worker: give a command: ${commands.map((command) => command.name).join(", ")}. ${usage}`);
    return USAGE_EXIT;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    const what = name.startsWith("-")
      ? `the command comes first, before options such as ${name}`
      : `unknown command ${name}`;
    err(`sqs-worker: ${what}. ${usage}`);
    return USAGE_EXIT;
  }
  return command.run(rest);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
