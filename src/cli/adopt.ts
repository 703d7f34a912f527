import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { adoptionYaml } from "../gitops/adopt.js";
import { clientFor, commandSettings } from "../settings/settings.js";
import { readStackConfig } from "../settings/stack-config.js";
import { withProgress } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export const ADOPT_HELP = `Usage: telephony-config adopt [--stack NAME] [--out FILE] [--force]

Writes declarations for the organization's live configurations, each with its import id and its
secrets as \${env:…} references (never their values), and lists the variables to set. After they are
set, pulumi up adopts every configuration with no change and no duplicate. Configurations a stack
created (they carry its ownership mark) are left out and named: that stack manages them.
Reaches the API with TELEPHONY_API_URL, TELEPHONY_API_TOKEN, TELEPHONY_ORG_HANDLE and
TELEPHONY_PRODUCT_ID, or the stack's telephony:* config with --stack (run it in the project's
directory; the environment fills in what the stack does not set).

Exit codes: 0 written, 1 error (an existing --out file without --force is one).

Options:
  --stack NAME  read the API settings from this Pulumi stack (needs the Pulumi CLI and its passphrase)
  --out FILE    write to FILE instead of stdout; refuses to overwrite it unless --force
  --force       overwrite FILE
  -h, --help    show this help

Example:
  telephony-config adopt --out telephony/adopted.yaml`;

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
  const stack = values.stack === undefined ? undefined : await readStackConfig(values.stack, process.cwd());
  const settings = commandSettings(stack, process.env);
  const client = clientFor(settings);
  let live;
  try {
    live = await withProgress("listing live configurations", () => client.list());
  } finally {
    await client.close();
  }
  const { yaml, variables, count, skipped } = adoptionYaml(live);
  for (const s of skipped)
    console.error(`telephony-config: not adopted: configuration ${s.id} ${JSON.stringify(s.name)}: ${s.reason}`);
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
