/**
 * The one way this repository's command line tools read their arguments: Node's own
 * `util.parseArgs`, a `--help`/`-h` that lists every option, and one-line usage errors; and
 * the shape of one command of the package's `sqs-worker` command (tools/sqs-worker.ts).
 */
import { parseArgs } from "util";

/** The exit code of every usage mistake (an unknown command or option, a missing argument). */
export const USAGE_EXIT = 2;

/** One option of a tool. */
export interface CliOption {
  readonly type: "string" | "boolean";
  /** A one-letter alias, such as `n` for `-n`. */
  readonly short?: string;
  /** The value's placeholder in the help text, such as `URL`. */
  readonly value?: string;
  /** May be given more than once; the values come back as a list. */
  readonly multiple?: boolean;
  /** What it does, with its default. */
  readonly description: string;
  /**
   * The subcommands it applies to (such as `["peek"]` for dlq's `--count`); every subcommand
   * when absent. Given to another subcommand it is a usage error; see {@link checkSubcommandOptions}.
   */
  readonly for?: readonly string[];
}

/** What a tool accepts and how it explains itself. */
export interface CliSpec {
  /** The usage line, such as `npm run dlq -- <service> <command> [options]`. */
  readonly usage: string;
  /** One or two sentences on what the tool does. */
  readonly summary: string;
  /** Every option except `--help`, which every tool has. */
  readonly options: Readonly<Record<string, CliOption>>;
  /** More help text (commands, exit codes, examples), printed after the options. */
  readonly more?: string;
}

/** A usage mistake: the tool prints it as one line and exits with its usage code. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

/** The parsed command line: option values by name, and the positional arguments. */
export interface ParsedCli {
  readonly help: boolean;
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * The text `--help` prints: usage, summary, every option; with `subcommand`, only the options
 * that apply to it.
 */
export function helpText(spec: CliSpec, subcommand?: string): string {
  const options = Object.entries(spec.options).filter(
    ([, option]) => !subcommand || !option.for || option.for.includes(subcommand),
  );
  const rows = [
    ...options,
    ["help", { type: "boolean", short: "h", description: "print this help and exit" } as CliOption] as const,
  ].map(([name, option]) => {
    const flags = `${option.short ? `-${option.short}, ` : ""}--${name}${option.value ? ` ${option.value}` : ""}`;
    return [flags, option.description] as const;
  });
  const width = Math.max(...rows.map(([flags]) => flags.length));
  return [
    `usage: ${spec.usage}`,
    "",
    spec.summary,
    "",
    "options:",
    ...rows.map(([flags, description]) => `  ${flags.padEnd(width)}  ${description}`),
    ...(spec.more ? ["", spec.more.trimEnd()] : []),
  ].join("\n");
}

/**
 * Parses `argv` against `spec`. Unknown options and missing values become a
 * {@link CliUsageError} of one line that ends with the usage line.
 */
export function parseCli(spec: CliSpec, argv: readonly string[]): ParsedCli {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { help: values.help === true, values: values as ParsedCli["values"], positionals };
  } catch (error) {
    throw usageError(spec, explainParseError(error as Error & { code?: string }));
  }
}

/**
 * Refuses an option given to a subcommand it does not apply to ({@link CliOption.for}), naming
 * the option and the subcommands it is for.
 */
export function checkSubcommandOptions(spec: CliSpec, values: ParsedCli["values"], subcommand: string): void {
  for (const [name, option] of Object.entries(spec.options)) {
    if (values[name] === undefined || !option.for || option.for.includes(subcommand)) continue;
    throw usageError(spec, `--${name} is an option of ${option.for.join(" and ")}, not of ${subcommand}`);
  }
}

/** A {@link CliUsageError} whose one line ends with the usage and where to find every option. */
export function usageError(spec: CliSpec, problem: string): CliUsageError {
  return new CliUsageError(`${problem}. usage: ${spec.usage} (--help lists every option)`);
}

/** parseArgs' messages are long and suggest `--` tricks; say just what is wrong. */
function explainParseError(error: Error & { code?: string }): string {
  const option = error.message.match(/'(-{1,2}[^'\s]+)/)?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `${option} needs a value`;
  return error.message;
}

/**
 * The start of a command's usage line, as the user started it: `npm run dlq --` from this
 * repository's npm scripts (which run tools/sqs-worker.ts), `sqs-worker dlq` everywhere else
 * (the package's bin, in a consumer's app folder).
 */
export function programName(command: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const event = env.npm_lifecycle_event;
  if (event && /(^|\s)tools\/sqs-worker\.ts\s/.test(env.npm_lifecycle_script ?? "")) return `npm run ${event} --`;
  return `sqs-worker ${command}`;
}

/** One command of `sqs-worker` (tools/sqs-worker.ts): its summary, its options and what runs it. */
export interface CliCommand {
  /** The word after `sqs-worker`, such as `dlq`. */
  readonly name: string;
  /** Its line in `sqs-worker --help`. */
  readonly summary: string;
  /** Its options: `sqs-worker <name> --help` lists exactly these, and any other is a usage error. */
  readonly spec: CliSpec;
  /** Runs it with the arguments after its name; resolves with the exit code (usage mistakes: {@link USAGE_EXIT}). */
  readonly run: (argv: readonly string[]) => Promise<number>;
}

/**
 * Reads an integer option within [min, max], or `fallback` when it was not given. Anything
 * else (a fraction, a word, an empty string, out of range) is a usage error naming the option,
 * the range and the given value.
 */
export function integerOption<F extends number | undefined>(
  spec: CliSpec,
  values: ParsedCli["values"],
  name: string,
  range: { readonly min: number; readonly max?: number },
  fallback: F,
): number | F {
  const given = values[name];
  if (given === undefined) return fallback;
  const number = typeof given === "string" && /^-?\d+$/.test(given.trim()) ? Number(given) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || (range.max !== undefined && number > range.max)) {
    const bounds = range.max === undefined ? `of ${range.min} or more` : `from ${range.min} to ${range.max}`;
    throw usageError(spec, `--${name} must be an integer ${bounds} (given ${JSON.stringify(given)})`);
  }
  return number;
}

/**
 * Runs a tool that takes no arguments (its knobs, if any, are environment variables): prints
 * the help for `--help`/`-h` and exits 0, reports any other argument as a one-line usage error
 * (exit 2), and otherwise runs `body`, exiting 1 with its error's message if it throws.
 */
export function runWithoutArguments(
  spec: CliSpec,
  argv: readonly string[],
  name: string,
  body: () => Promise<void> | void,
): void {
  let parsed: ParsedCli;
  try {
    parsed = parseCli(spec, argv);
    if (!parsed.help && parsed.positionals.length > 0)
      throw usageError(spec, `unexpected argument ${parsed.positionals[0]}`);
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(`${helpText(spec)}\n`);
    return;
  }
  Promise.resolve()
    .then(body)
    .catch((error: Error) => {
      process.stderr.write(`${name}: ${error.stack ?? error.message}\n`);
      process.exitCode = 1;
    });
}
