import { existsSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { adoptionYaml, leftOutLines } from "../gitops/adopt.js";
import { schemaPathFor } from "../gitops/schema-path.js";
import { readStack } from "../gitops/stack.js";
import { stackHoldings } from "../gitops/stack-holdings.js";
import { clientFor, commandSettings } from "../settings/settings.js";
import { withProgress } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export const ADOPT_HELP = `Usage: telephony-config adopt [--stack NAME] [--out FILE] [--force]

Writes declarations for the organization's live configurations, each with its import id and its
secrets as \${env:…} references (never their values), and lists the variables to set. After they are
set, pulumi up adopts every configuration with no change and no duplicate. Configurations a stack
created (they carry its ownership mark) are left out and listed on stderr: that stack manages them.
With --stack, so are those the stack has already (its state holds them, or its declarations import
them), and no new key is one the stack uses.
Reaches the API with TELEPHONY_API_URL, TELEPHONY_API_TOKEN, TELEPHONY_ORG_HANDLE and
TELEPHONY_PRODUCT_ID, or the stack's telephony:* config with --stack (run it in the project's
directory; the environment fills in what the stack does not set), as drift --stack does.
The first line points editors at the JSON Schema: the package's, in the project's node_modules.

Exit codes: 0 written, 1 error (an existing --out file without --force is one).

Options:
  --stack NAME  read the API settings, state and declarations of this Pulumi stack (needs the Pulumi CLI
                and its passphrase)
  --out FILE    write to FILE instead of stdout; refuses to overwrite it unless --force
  --force       overwrite FILE
  -h, --help    show this help

Example:
  telephony-config adopt --stack prod --out telephony/adopted.yaml`;

const refuse = (path: string): never => {
  throw new UsageError(`${path} exists; pass --force to overwrite it`);
};

export async function adopt(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { stack: { type: "string" }, out: { type: "string" }, force: { type: "boolean", default: false } },
  });
  // Checked first to save a request; the write itself is exclusive, so a file made meanwhile is kept too.
  if (values.out && existsSync(values.out) && !values.force) refuse(values.out);
  const stack = values.stack === undefined ? undefined : await readStack(values.stack, process.cwd());
  const settings = commandSettings(stack, process.env);
  const client = clientFor(settings);
  let live;
  try {
    live = await withProgress("listing live configurations", () => client.list());
  } finally {
    await client.close();
  }
  const adoption = adoptionYaml(live, {
    schemaPath: schemaPathFor(values.out ? dirname(values.out) : "."),
    stack: stack && stackHoldings(stack),
  });
  const { yaml, variables, count } = adoption;
  // Each group's items indented under its line.
  for (const line of leftOutLines(adoption, values.stack))
    console.error(line.startsWith(" ") ? line : `telephony-config: ${line}`);
  if (!values.out) {
    process.stdout.write(yaml);
    return 0;
  }
  try {
    writeFileSync(values.out, yaml, { flag: values.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") refuse(values.out);
    throw error;
  }
  console.error(`wrote ${count} configuration${count === 1 ? "" : "s"} to ${values.out}`);
  console.error(variables.length ? `set before pulumi up: ${variables.join(" ")}` : "no secrets to set");
  return 0;
}
