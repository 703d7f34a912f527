import { parseArgs } from "node:util";
import { formatProblem } from "../declarations/declaration.js";
import { declarationPaths, readStack } from "../gitops/stack.js";
import { validateDeclarations } from "../gitops/validate.js";
import { UsageError } from "./usage-error.js";

export const VALIDATE_HELP = `Usage: telephony-config validate [<file-or-dir>...] [--stack NAME] [--json]

Checks declarations against the schema and for mistakes, without the API.
Without --stack, an \${env:NAME} reference to an unset variable is a warning, and so is every
\${config:KEY} and \${stack} (they are resolved per stack).
With --stack, everything is resolved exactly as that stack's program resolves it (its config and
name, its secrets, the environment), and what is not is an error. Run it in the project (where
Pulumi.yaml is, or below); without paths it checks the stack's telephony:declarations.

Output: file:line:col: severity: message
Exit codes: 0 valid (warnings allowed), 1 invalid.

Options:
  --stack NAME  resolve for this Pulumi stack (needs the Pulumi CLI and the stack's passphrase)
  --json        print {valid, problems: [{file, line, col, severity, message}]}
  -h, --help    show this help

Example:
  telephony-config validate telephony/
  telephony-config validate --stack prod`;

export async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean", default: false }, stack: { type: "string" } },
    allowPositionals: true,
  });
  if (!positionals.length && !values.stack)
    throw new UsageError(`validate needs a file or directory, or --stack\n\n${VALIDATE_HELP}`);
  const stack = values.stack === undefined ? undefined : await readStack(values.stack, process.cwd());
  const paths = positionals.length ? positionals : declarationPaths(stack!);
  const result = validateDeclarations(paths, process.env, stack);
  if (values.json) {
    console.log(JSON.stringify({ valid: result.valid, problems: result.problems }, null, 2));
  } else {
    for (const p of result.problems) console.log(formatProblem(p, true));
    const errors = result.problems.filter((p) => p.severity === "error").length;
    const warnings = result.problems.length - errors;
    console.log(
      result.valid
        ? `valid: ${count(result.declarations.length, "configuration")}, ${count(warnings, "warning")}`
        : `invalid: ${count(errors, "error")}`,
    );
  }
  return result.valid ? 0 : 1;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
