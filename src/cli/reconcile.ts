import { parseArgs } from "node:util";
import { parseDuration } from "../gitops/duration.js";
import { renderMarkdown, renderText } from "../gitops/render.js";
import { reconcilePass, stepText } from "../gitops/reconcile.js";
import { exitCodeFor } from "../gitops/report.js";
import { colorFor, withProgress } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export const RECONCILE_HELP = `Usage: telephony-config reconcile --stack NAME [--apply] [--interval DURATION] [--only-managed] [--ignore ID|NAME|KEY]... [--json | --markdown]

Keeps a stack converged, on the project in the current directory. Each pass reads the stack's config
and state once, lists the live configurations once, and compares them as drift --stack does; without
--apply it writes nothing. With --apply, when up has something to change (changed, missing or removed
configurations), it runs pulumi preview --refresh, then pulumi up --refresh, through Pulumi's Automation
API and reports what changed. It refuses (exit 1, nothing changed) when the preview deletes or replaces
a configuration the report did not show as removed or replaced: one declared in code and removed from
the program is in sync to the report, which reads the state, not the program.
On a terminal, stderr shows each configuration's step as up runs (updating twilio-support…, then
updated twilio-support). One pass by default; with --interval, a pass every DURATION (30s, 5m, 1h)
until SIGINT or SIGTERM, which let the pass in flight finish. Passes never overlap.

Exit codes (one pass): 0 in sync, 2 drift found (with --apply: found and corrected), 1 error or
refused (nothing changed).
With --interval: 0 once stopped by a signal; a failing pass is reported and the next one runs.

Options:
  --stack NAME         the Pulumi stack (required)
  --apply              run pulumi up when it has something to change
  --interval DURATION  repeat until stopped
  --only-managed       leave unmanaged configurations out
  --ignore ID|NAME|KEY leave out an unmanaged configuration kept on purpose (id or name), or a
                       stack resource declared in code (key); repeatable
  --json, --markdown   the drift renderers, as for drift
  -h, --help           show this help

Example:
  telephony-config reconcile --stack prod --apply --interval 10m`;

export async function reconcile(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      apply: { type: "boolean", default: false },
      interval: { type: "string" },
      "only-managed": { type: "boolean", default: false },
      ignore: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
    },
  });
  if (!values.stack) throw new UsageError(`reconcile needs --stack\n\n${RECONCILE_HELP}`);
  const interval = values.interval === undefined ? undefined : parseDuration(values.interval);
  if (values.interval !== undefined && !interval)
    throw new UsageError(`--interval ${values.interval}: expected a duration such as 30s, 5m or 1h`);

  const pass = async (): Promise<number> => {
    const warnings: string[] = [];
    // On a terminal, each configuration's step while up runs: what it is doing, then what it did.
    const result = await withProgress("reconciling", (line) =>
      reconcilePass({
        stack: values.stack!,
        cwd: process.cwd(),
        apply: values.apply,
        env: process.env,
        onlyManaged: values["only-managed"],
        ignore: values.ignore,
        onWarning: (warning) => warnings.push(warning),
        onStep: (step) => {
          const { progress, line: done } = stepText(step);
          if (done) line.print(done);
          if (progress) line.show(`pulumi up: ${progress}`);
        },
      }),
    );
    for (const warning of warnings) process.stderr.write(`${warning}\n`);
    // JSON keeps up's own counts; text and Markdown name what it deleted or replaced.
    const applied = result.named;
    if (values.json)
      process.stdout.write(`${JSON.stringify({ ...result.report, applied: result.applied ?? null }, null, 2)}\n`);
    else if (values.markdown) process.stdout.write(renderMarkdown(result.report, { applied }));
    else process.stdout.write(renderText(result.report, { color: colorFor(process.stdout) }, { applied }));
    return exitCodeFor(result.report);
  };

  if (!interval) return pass();

  let stopping = false;
  let wake = () => {};
  const stop = () => {
    stopping = true;
    wake();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  while (!stopping) {
    // In Markdown, a paragraph of its own: the report before it ends with a blank line, and so does this.
    process.stdout.write(`pass at ${new Date().toISOString()}\n${values.markdown ? "\n" : ""}`);
    try {
      await pass();
    } catch (error) {
      console.error(`telephony-config: pass failed: ${(error as Error).message}`);
    }
    if (stopping) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  console.log("stopped");
  return 0;
}
