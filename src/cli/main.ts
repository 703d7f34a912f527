import { printable } from "../declarations/declaration.js";
import { closest } from "../declarations/suggest.js";
import { packageVersion } from "../gitops/plugin.js";
import { adopt, ADOPT_HELP } from "./adopt.js";
import { drift, DRIFT_HELP } from "./drift.js";
import { driftSummary, DRIFT_SUMMARY_HELP } from "./drift-summary.js";
import { init, INIT_HELP } from "./init.js";
import { migrate, MIGRATE_HELP } from "./migrate.js";
import { plugin, pluginHelp } from "./plugin.js";
import { reconcile, RECONCILE_HELP } from "./reconcile.js";
import { serve, SERVE_HELP } from "./serve.js";
import { UsageError } from "./usage-error.js";
import { validate, VALIDATE_HELP } from "./validate.js";

const HELP = `Usage: telephony-config <command> [options]

Commands:
  init       scaffold a stack repository of your own
  serve      run the Provider Configurations API locally
  validate   check declarations, without the API (with --stack, as that stack resolves them)
  drift      compare declarations with the live configurations
  drift-summary  one table of drift across stacks, from each stack's drift --summary line
  adopt      write declarations for the live configurations, to adopt them
  reconcile  report a stack's drift, and with --apply converge it (pulumi up --refresh)
  migrate    move a stack's configurations from the dynamic provider to the native plugin, ids unchanged
  plugin     install the native Pulumi plugin (provider telephony) into Pulumi's plugin cache

Options:
  -h, --help     show this help
  -v, --version  print the version of telephony-config

Run 'telephony-config <command> --help' for a command's options and exit codes.`;

// A command with subcommands gives its help as a function of the arguments after it.
const COMMANDS: Record<
  string,
  { help: string | ((argv: string[]) => string); run: (argv: string[]) => number | Promise<number> }
> = {
  init: { help: INIT_HELP, run: init },
  validate: { help: VALIDATE_HELP, run: validate },
  drift: { help: DRIFT_HELP, run: drift },
  "drift-summary": { help: DRIFT_SUMMARY_HELP, run: driftSummary },
  adopt: { help: ADOPT_HELP, run: adopt },
  reconcile: { help: RECONCILE_HELP, run: reconcile },
  migrate: { help: MIGRATE_HELP, run: migrate },
  plugin: { help: pluginHelp, run: plugin },
};

async function runServe(argv: string[]): Promise<void> {
  const server = await serve(argv);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  console.log(server.url);
}

/** The only place that prints errors and sets the exit code. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes("--help") || rest.includes("-h");
  // -v as npm and node take it: no command has a verbose flag it could be mistaken for.
  if (command === "--version" || command === "-v") return void console.log(packageVersion);
  if (command === "serve") {
    if (wantsHelp) return void console.log(SERVE_HELP);
    return commandLine("serve", SERVE_HELP, rest, () => runServe(rest));
  }
  const known = command === undefined ? undefined : COMMANDS[command];
  if (known) {
    const help = typeof known.help === "string" ? known.help : known.help(rest);
    if (wantsHelp) return void console.log(help);
    // A command with subcommands is named with the one given: its help is that one's.
    const name = typeof known.help === "string" || !/^[a-z]/.test(rest[0] ?? "") ? command! : `${command} ${rest[0]}`;
    process.exitCode = await commandLine(name, help, rest, () => known.run(rest));
    return;
  }
  if (command === "--help" || command === "-h") return void console.log(HELP);
  if (command === undefined) throw new UsageError(HELP);
  if (command.startsWith("-")) {
    const named = rest.find((arg) => arg === "serve" || Object.hasOwn(COMMANDS, arg));
    const flag = closest(command.replace(/^-+/, ""), [["version", "--version"] as const, ["help", "--help"] as const]);
    if (flag) throw new UsageError(`unknown option ${printable(command)} (did you mean ${flag}?)`);
    const order = named
      ? ` (telephony-config ${named} ${[command, ...rest.filter((arg) => arg !== named)].join(" ")})`
      : "";
    throw new UsageError(
      `${printable(command)}: options go after the command${printable(order)}\nRun 'telephony-config --help' for the commands.`,
    );
  }
  const meant = closest(command, [...Object.keys(COMMANDS), "serve"]);
  throw new UsageError(
    meant
      ? `unknown command ${JSON.stringify(command)} (did you mean ${meant}?)\nRun 'telephony-config --help' for the commands.`
      : `unknown command ${JSON.stringify(command)}\n\n${HELP}`,
  );
}

/**
 * Runs a command, and says a mistake in its options (parseArgs' errors) in the user's terms: the
 * command, the option as typed, the one likely meant (among those its help lists), where to look.
 */
async function commandLine<T>(name: string, help: string, argv: string[], run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code?.startsWith("ERR_PARSE_ARGS_")) throw error;
    const message = (error as Error).message;
    const said =
      (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknownOption(message, help, argv)) || optionValue(message);
    throw new OptionError(`telephony-config ${name}: ${said}\nRun 'telephony-config ${name} --help' for its options.`);
  }
}

/** "unknown option --stak (did you mean --stack?)", from parseArgs' message and the command's help. */
function unknownOption(message: string, help: string, argv: string[]): string | undefined {
  const option = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (option === undefined) return undefined;
  // -stack is read as the short options -s -t …: what was typed is the whole word.
  const typed =
    argv
      .find(
        (arg) => arg === option || arg.startsWith(`${option}=`) || (!option.startsWith("--") && arg.startsWith(option)),
      )
      ?.split("=")[0] ?? option;
  const long = [...new Set(help.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? [])];
  const meant = closest(
    typed.replace(/^-+/, ""),
    long.map((flag) => [flag.slice(2), flag] as const),
  );
  return `unknown option ${printable(typed)}${meant ? ` (did you mean ${meant}?)` : ""}`;
}

/** parseArgs' other messages, shorter: "option --stack needs a value". */
function optionValue(message: string): string {
  const missing = /^Option '(?:-\w, )?(-[^ ']+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `option ${missing[1]} needs a value`;
  // `--stack --json`: the word after it is an option, so the value was forgotten.
  const ambiguous = /^Option '(?:-\w, )?(-[^ ']+)' argument is ambiguous/.exec(message);
  if (ambiguous)
    return `option ${ambiguous[1]} needs a value (a value that starts with - is given as ${ambiguous[1]}=-VALUE)`;
  const extra = /^Option '(?:-\w, )?(-[^ ']+)' does not take an argument/.exec(message);
  if (extra) return `option ${extra[1]} takes no value`;
  const sentence = message.split(/\.( |$)/)[0]!;
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** A mistake in a command's options, said in full with the command's name: printed as it is. */
class OptionError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof OptionError ? message : `telephony-config: ${message}`);
  process.exitCode = 1;
});
