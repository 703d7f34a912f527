import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { initPlan } from "../gitops/init.js";
import { UsageError } from "./usage-error.js";

export const INIT_HELP = `Usage: telephony-config init [DIR] [--ci github|gitlab] [--org HANDLE] [--api-url URL] [--force]

Scaffolds a stack repository of your own in DIR (default: the current directory): package.json
(depending on telephony-config and @pulumi/pulumi), Pulumi.yaml running the package's YAML program,
telephony/main.yaml with an example declaration, .gitignore, and a CI workflow (GitHub Actions, or
GitLab with --ci gitlab). Refuses to overwrite an existing file unless --force. Prints the files it
wrote and the commands to run next.

Exit codes: 0 written, 1 error (an existing file without --force is one).

Options:
  --ci github|gitlab  the CI workflow to write (default github)
  --org HANDLE        the organization handle, for the printed config commands
  --api-url URL       the API's base URL, for the printed config commands (default https://unpod.dev)
  --force             overwrite existing files
  -h, --help          show this help

Example:
  npx telephony-config init telephony-infra --org acme`;

export function init(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ci: { type: "string", default: "github" },
      org: { type: "string" },
      "api-url": { type: "string" },
      force: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError(`init takes one directory\n\n${INIT_HELP}`);
  if (values.ci !== "github" && values.ci !== "gitlab") throw new UsageError(`--ci ${values.ci}: expected github or gitlab`);
  const dir = resolve(positionals[0] ?? ".");
  const plan = initPlan({ name: basename(dir), ci: values.ci, orgHandle: values.org, apiUrl: values["api-url"] });

  const existing = plan.files.map(([path]) => path).filter((path) => existsSync(join(dir, path)));
  if (existing.length && !values.force) throw new UsageError(`${existing.map((p) => join(dir, p)).join(", ")} exist${existing.length === 1 ? "s" : ""}; pass --force to overwrite`);
  for (const [path, content] of plan.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    // Exclusive unless --force: a file made since the check above is kept too.
    writeFileSync(join(dir, path), content, { flag: values.force ? "w" : "wx" });
  }
  console.log(`Wrote a telephony-config stack repository in ${dir}:`);
  for (const [path] of plan.files) console.log(`  ${path}`);
  console.log("\nNext, in that directory:");
  for (const command of plan.next) console.log(`  ${command}`);
  return 0;
}
