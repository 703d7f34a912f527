import { parseArgs } from "node:util";
import { formatProblem } from "../declarations/declaration.js";
import { validateDeclarations } from "../gitops/validate.js";
import { UsageError } from "./usage-error.js";

export const VALIDATE_HELP = `Usage: telephony-config validate <file-or-dir>... [--json]

Checks declarations against the schema and for mistakes, without the API or Pulumi.
An \${env:NAME} reference to an unset variable is a warning here.

Output: file:line:col: severity: message
Exit codes: 0 valid (warnings allowed), 1 invalid.

Options:
  --json      print {valid, problems: [{file, line, col, severity, message}]}
  -h, --help  show this help

Example:
  telephony-config validate telephony/`;

export function validate(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: "boolean", default: false } }, allowPositionals: true });
  if (!positionals.length) throw new UsageError(`validate needs a file or directory\n\n${VALIDATE_HELP}`);
  const result = validateDeclarations(positionals, process.env);
  if (values.json) {
    console.log(JSON.stringify({ valid: result.valid, problems: result.problems }, null, 2));
  } else {
    for (const p of result.problems) console.log(formatProblem(p, true));
    const errors = result.problems.filter((p) => p.severity === "error").length;
    console.log(result.valid ? `valid: ${result.declarations.length} configurations, ${result.problems.length} warnings` : `invalid: ${errors} errors`);
  }
  return result.valid ? 0 : 1;
}
