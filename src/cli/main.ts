import { serve, SERVE_HELP } from "./serve.js";
import { UsageError } from "./usage-error.js";

const HELP = `Usage: telephony-config <command> [options]

Commands:
  serve      run the Provider Configurations API locally

Run 'telephony-config <command> --help' for a command's options.`;

/** The only place that prints errors and sets the exit code. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes("--help") || rest.includes("-h");
  switch (command) {
    case "serve": {
      if (wantsHelp) return void console.log(SERVE_HELP);
      const server = await serve(rest);
      const stop = () => {
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      console.log(server.url);
      return;
    }
    case undefined:
    case "--help":
    case "-h":
      console.log(HELP);
      if (command === undefined) process.exitCode = 1;
      return;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`telephony-config: ${message}`);
  process.exitCode = 1;
});
