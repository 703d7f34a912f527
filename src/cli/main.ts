import { adopt, ADOPT_HELP } from "./adopt.js";
import { drift, DRIFT_HELP } from "./drift.js";
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
  adopt      write declarations for the live configurations, to adopt them
  reconcile  report a stack's drift, and with --apply converge it (pulumi up --refresh)
  migrate    move a stack's configurations from the dynamic provider to the native plugin, ids unchanged
  plugin     install the native Pulumi plugin (provider telephony) into Pulumi's plugin cache

Run 'telephony-config <command> --help' for a command's options and exit codes.`;

// A command with subcommands gives its help as a function of the arguments after it.
const COMMANDS: Record<
  string,
  { help: string | ((argv: string[]) => string); run: (argv: string[]) => number | Promise<number> }
> = {
  init: { help: INIT_HELP, run: init },
  validate: { help: VALIDATE_HELP, run: validate },
  drift: { help: DRIFT_HELP, run: drift },
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
  if (command === "serve") {
    if (wantsHelp) return void console.log(SERVE_HELP);
    return runServe(rest);
  }
  const known = command === undefined ? undefined : COMMANDS[command];
  if (known) {
    if (wantsHelp) return void console.log(typeof known.help === "string" ? known.help : known.help(rest));
    process.exitCode = await known.run(rest);
    return;
  }
  if (command === "--help" || command === "-h") return void console.log(HELP);
  throw new UsageError(command === undefined ? HELP : `unknown command ${JSON.stringify(command)}\n\n${HELP}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`telephony-config: ${message}`);
  process.exitCode = 1;
});
