import { parseArgs } from "node:util";
import { declarationPathsHere, readStack } from "../gitops/stack.js";
import { validateDeclarations } from "../gitops/validate.js";
import { renderValidation, validationJson } from "../gitops/validate-report.js";
import { UsageError } from "./usage-error.js";

export const VALIDATE_HELP = `Usage: telephony-config validate [<file-or-dir>...] [--stack NAME] [--strict] [--json]

Checks declarations against the schema and for mistakes, without the API.
Without --stack, \${config:KEY} and \${stack} are left for the stack to resolve, and so is an
\${env:NAME} reference to a variable without a value here: one warning line per kind, with its count.
With --stack, everything is resolved exactly as that stack's program resolves it (its config and
name, its secrets, the environment), and what is not is an error. Run it in the project (where
Pulumi.yaml is, or below); without paths it checks the stack's telephony:declarations.

Output: file:line:col: severity: message, then the unresolved references counted, then a last line
(valid: 4 configurations, 1 warning).
Exit codes: 0 valid (warnings allowed, unless --strict), 1 invalid.

Options:
  --stack NAME  resolve for this Pulumi stack (needs the Pulumi CLI and the stack's passphrase)
  --strict      warnings are errors (exit 1)
  --json        print {valid, strict, configurations, problems: [{file, line, col, severity, message,
                reference?}], unresolved: [{kind, uses, names}]}
  -h, --help    show this help

Example:
  telephony-config validate telephony/
  telephony-config validate --stack prod --strict`;

export async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      stack: { type: "string" },
    },
    allowPositionals: true,
  });
  if (!positionals.length && !values.stack)
    throw new UsageError(`validate needs a file or directory, or --stack\n\n${VALIDATE_HELP}`);
  const stack = values.stack === undefined ? undefined : await readStack(values.stack, process.cwd());
  const paths = positionals.length ? positionals : declarationPathsHere(stack!);
  const strict = values.strict;
  const result = validateDeclarations(paths, process.env, stack, { strict });
  if (values.json) console.log(JSON.stringify(validationJson(result, { strict }), null, 2));
  else process.stdout.write(renderValidation(result, { strict }));
  return result.valid ? 0 : 1;
}
