import { parseArgs } from "node:util";
import { driftReport } from "../gitops/drift.js";
import { errorLine, reportLine } from "../gitops/drift-summary.js";
import { renderMarkdown, renderText } from "../gitops/render.js";
import { exitCodeFor } from "../gitops/report.js";
import { colorFor, withProgress } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export const DRIFT_HELP = `Usage: telephony-config drift [<file-or-dir>...] [--stack NAME] [--only-managed] [--ignore ID|NAME|KEY]... [--json | --markdown | --summary]

Compares the declarations with the live configurations, in one list request, and reports every
difference: changed (field by field; "pulumi up replaces it" for a provider or meta change), missing
(up would create it), removed (in the stack, no longer declared: up would delete it, unless another
resource of the stack holds it too) and unmanaged (live, neither declared nor in the stack).
With --stack, a configuration the stack's program declares in code (not in its exported configurations
map) is compared with what its last update declared, and marked "declared in code".
Matching: the id in the stack's state first (--stack), then the import id, then — without --stack
only — the exact name; no live configuration is matched twice. A configuration
another stack created carries its ownership mark: it is listed as managed by that stack, never
matched, and is not drift (without --stack, every marked one).
Reaches the API with TELEPHONY_API_URL, TELEPHONY_API_TOKEN, TELEPHONY_ORG_HANDLE and
TELEPHONY_PRODUCT_ID, or the stack's telephony:* config with --stack (run it in the project's
directory). With --stack and no paths, the stack's own telephony:declarations.
\${config:KEY} and \${stack} in the declarations need --stack: they are resolved as that stack's
program resolves them.

Exit codes: 0 in sync, 2 drift (any of the four), 1 error (as terraform plan -detailed-exitcode).

Options:
  --stack NAME      read settings, secret values and state ids from this Pulumi stack
  --only-managed    leave unmanaged configurations out
  --ignore ID|NAME|KEY  leave out an unmanaged configuration kept on purpose (id or name), or a
                    stack resource (key); repeatable
  --json            print the report as JSON (see README: "drift --json")
  --markdown        print a Markdown summary, for a CI job summary or a PR comment
  --summary         print one line of JSON, for a log collector or an alert (a CronJob's log): the
                    stack, status (in_sync, drift or error), exit code, counts, the keys that drifted
                    (no field's value) and the time; on an error too, with its message, before exit 1
  -h, --help        show this help

Example:
  telephony-config drift --stack prod --markdown >> "$GITHUB_STEP_SUMMARY"
  telephony-config drift --stack prod --summary > "drift-prod.json"`;

const FORMATS = ["json", "markdown", "summary"] as const;

export async function drift(argv: string[]): Promise<number> {
  // Every run with --summary ends with its line on stdout, a failed one too, so that a log collector
  // sees each run: the error's line is written here, and the error goes on to the entry point, which
  // says it on stderr and exits 1 as for any error.
  const options = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length);
  // `--summary=…` is refused by the parser, but it was asked for: the refusal gets its line too.
  if (!options.some((o) => o === "--summary" || o.startsWith("--summary="))) return compareAndReport(argv);
  // A CronJob's deadline (activeDeadlineSeconds) or a deleted pod ends the run with SIGTERM: it still
  // ends with its line. The comparison only reads, so stopping it half way leaves nothing to undo.
  const stopped = () => {
    const message = "stopped by SIGTERM before the comparison ended (a deadline, or the job deleted)";
    process.stdout.write(`${errorLine(message, stackIn(options), new Date())}\n`);
    process.stderr.write(`telephony-config: ${message}\n`);
    process.exit(1);
  };
  process.once("SIGTERM", stopped);
  try {
    return await compareAndReport(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs' messages go on with advice about positionals: its first sentence says what is wrong.
    const said = (error as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS_")
      ? message.split(/\.( |$)/)[0]!
      : message;
    process.stdout.write(`${errorLine(said, stackIn(options), new Date())}\n`);
    throw error;
  } finally {
    process.off("SIGTERM", stopped);
  }
}

/**
 * The --stack given, read before the options are parsed (they may be what failed). The last one, as the
 * parser takes the last: an error's line names the stack a report's line would have named.
 */
function stackIn(options: string[]): string | null {
  let value: string | undefined;
  for (const [i, o] of options.entries())
    if (o === "--stack") value = options[i + 1];
    else if (o.startsWith("--stack=")) value = o.slice("--stack=".length);
  return value === undefined || value.startsWith("-") ? null : value;
}

async function compareAndReport(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      "only-managed": { type: "boolean", default: false },
      ignore: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
      summary: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  if (!positionals.length && !values.stack)
    throw new UsageError(`drift needs a file or directory, or --stack\n\n${DRIFT_HELP}`);
  const formats = FORMATS.filter((format) => values[format]);
  if (formats.length > 1) throw new UsageError(`--${formats[0]} and --${formats[1]} exclude each other`);
  // Said on stderr once the report is made: stdout is the report, which may be JSON.
  const warnings: string[] = [];
  const report = await withProgress("comparing with the live configurations", () =>
    driftReport(positionals, {
      stack: values.stack,
      cwd: process.cwd(),
      env: process.env,
      onlyManaged: values["only-managed"],
      ignore: values.ignore,
      onWarning: (warning) => warnings.push(warning),
    }),
  );
  for (const warning of warnings) process.stderr.write(`${warning}\n`);
  if (values.summary) process.stdout.write(`${reportLine(report, values.stack ?? null, new Date())}\n`);
  else if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (values.markdown) process.stdout.write(renderMarkdown(report));
  else process.stdout.write(renderText(report, { color: colorFor(process.stdout) }));
  return exitCodeFor(report);
}
