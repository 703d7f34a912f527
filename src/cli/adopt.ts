import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { adoptionYaml } from "../gitops/adopt.js";
import { clientFor, resolveSettings } from "../client/settings.js";
import { withProgress } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export const ADOPT_HELP = `Usage: telephony-config adopt [--out FILE] [--force]

Writes declarations for the organization's live configurations, each with its import id and its
secrets as \${env:…} references (never their values), and lists the variables to set. After they are
set, pulumi up adopts every configuration with no change and no duplicate. Configurations a stack
created (they carry its ownership mark) are left out and named: that stack manages them.
Reaches the API with TELEPHONY_API_URL, TELEPHONY_API_TOKEN, TELEPHONY_ORG_HANDLE and TELEPHONY_PRODUCT_ID.

Exit codes: 0 written, 1 error (an existing --out file without --force is one).

Options:
  --out FILE  write to FILE instead of stdout; refuses to overwrite it unless --force
  --force     overwrite FILE
  -h, --help  show this help

Example:
  telephony-config adopt --out telephony/adopted.yaml`;

const refuse = (path: string): never => {
  throw new UsageError(`${path} exists; pass --force to overwrite it`);
};

export async function adopt(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: "string" }, force: { type: "boolean", default: false } },
  });
  // Checked first to save a request; the write itself is exclusive, so a file made meanwhile is kept too.
  if (values.out && existsSync(values.out) && !values.force) refuse(values.out);
  const settings = resolveSettings(() => undefined, process.env);
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
