import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  acrossStacks,
  renderStacksMarkdown,
  renderStacksText,
  type SummaryFile,
} from "../gitops/drift-summary-table.js";
import { UsageError } from "./usage-error.js";

export const DRIFT_SUMMARY_HELP = `Usage: telephony-config drift-summary --stacks NAME[,NAME...] [--max-age DURATION] [--markdown] FILE...

One table of drift across stacks, from the lines of JSON that drift prints with its summary option,
one per run of a stack: the files each CI matrix job kept, or a CronJob's log (a file may hold several
lines; the newest of each stack counts). Each stack named with --stacks must have a line: a stack
without one (its job failed before it could write it, or its file was not kept) is a failure, never
in sync; so is a stack not named, and a file or line that is no summary line, or one dated ahead of
this machine's clock. Where lines accumulate (a log), --max-age fails a stack whose newest line is
older: its runs since left none. Reads only the files: no API, no secret.

Exit codes: 0 every stack in sync, 2 drift in any (and none failed), 1 any stack failed (an error, no
report, stale, not expected) or a file could not be read.

Options:
  --stacks LIST  the stacks expected, separated by commas or spaces; repeatable
  --max-age DURATION  the oldest a stack's newest line may be, e.g. 26h for a nightly run (s, m, h, d)
  --markdown     print a Markdown table, for a CI job summary
  -h, --help     show this help

Example:
  telephony-config drift-summary --stacks prod-eu,prod-us drift/*.json --markdown >> "$GITHUB_STEP_SUMMARY"`;

export function driftSummary(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      stacks: { type: "string", multiple: true },
      markdown: { type: "boolean", default: false },
      "max-age": { type: "string" },
    },
    allowPositionals: true,
  });
  const expected = (values.stacks ?? []).flatMap((list) => list.split(/[\s,]+/)).filter(Boolean);
  // Without the stacks expected, a job that wrote nothing would pass unseen.
  if (!expected.length)
    throw new UsageError(`drift-summary needs --stacks, the stacks expected\n\n${DRIFT_SUMMARY_HELP}`);
  if (!positionals.length) throw new UsageError(`drift-summary needs the files to read\n\n${DRIFT_SUMMARY_HELP}`);
  const maxAge = values["max-age"] === undefined ? undefined : duration(values["max-age"]);
  const files: SummaryFile[] = positionals.map((file) => {
    try {
      return { file, text: readFileSync(file, "utf8") };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : `not readable (${code})`;
      return { file, unreadable: reason };
    }
  });
  const result = acrossStacks(expected, files, { now: new Date(), maxAge });
  process.stdout.write(values.markdown ? renderStacksMarkdown(result) : renderStacksText(result));
  return result.exitCode;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "26h" → milliseconds. */
function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (!match || !(Number(match[1]) > 0))
    throw new UsageError(`--max-age must be a duration such as 26h, 90m or 2d, not ${JSON.stringify(text)}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
