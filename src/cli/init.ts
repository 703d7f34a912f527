import { lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { initPlan } from "../gitops/init.js";
import { UsageError } from "./usage-error.js";

export const INIT_HELP = `Usage: telephony-config init [DIR] [--ci github|gitlab] [--org HANDLE] [--api-url URL] [--force]

Scaffolds a stack repository of your own in DIR (default: the current directory): package.json
(depending on telephony-config and @pulumi/pulumi), Pulumi.yaml running the package's YAML program,
telephony/main.yaml with an example declaration, .gitignore, and a CI workflow (GitHub Actions, or
GitLab with --ci gitlab). Refuses to overwrite an existing file unless --force; even then, existing
declarations in telephony/ are kept and an existing package.json only gains what the project needs.
Prints the files it wrote and the commands to run next.

Exit codes: 0 written, 1 error (an existing file without --force is one).

Options:
  --ci github|gitlab  the CI workflow to write (default github)
  --org HANDLE        the organization handle, for the printed config commands
  --api-url URL       the API's base URL, for the printed config commands (default https://unpod.dev)
  --force             overwrite existing files
  -h, --help          show this help

Example:
  npx telephony-config init telephony-infra --org acme`;

const lstatOrUndefined = (path: string) => {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
};

/** An existing package.json keeps everything it has; init only adds what the project needs. */
function mergedPackageJson(existing: string, planned: string): string {
  const mine = JSON.parse(existing) as Record<string, unknown>;
  const theirs = JSON.parse(planned) as { type: string; engines: object; dependencies: Record<string, string> };
  const merged = {
    ...mine,
    type: mine.type ?? theirs.type,
    engines: mine.engines ?? theirs.engines,
    dependencies: { ...(mine.dependencies as Record<string, string> | undefined), ...theirs.dependencies },
  };
  return `${JSON.stringify(merged, null, 2)}\n`;
}

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
  if (values.ci !== "github" && values.ci !== "gitlab")
    throw new UsageError(`--ci ${values.ci}: expected github or gitlab`);
  const dir = resolve(positionals[0] ?? ".");
  if (values["api-url"] !== undefined && !URL.canParse(values["api-url"]))
    throw new UsageError(`--api-url ${values["api-url"]}: not a URL`);
  const plan = initPlan({ name: basename(dir), ci: values.ci, orgHandle: values.org, apiUrl: values["api-url"] });

  // Everything is checked before anything is written: a refusal leaves no half-made project.
  const kept: string[] = [];
  const existing = new Set<string>();
  const conflicts: string[] = [];
  for (const [path] of plan.files) {
    const target = join(dir, path);
    for (let parent = dirname(target); parent.startsWith(dir) && parent !== dir; parent = dirname(parent)) {
      const stat = lstatOrUndefined(parent);
      if (stat && !stat.isDirectory()) throw new UsageError(`${parent} is in the way: a directory is needed there`);
    }
    const stat = lstatOrUndefined(target);
    if (!stat) continue;
    existing.add(path);
    if (!stat.isFile() || !values.force) conflicts.push(target);
    // Declarations are the user's: --force never replaces them.
    else if (path.startsWith("telephony/")) kept.push(path);
  }
  if (conflicts.length) {
    throw new UsageError(
      `${conflicts.join(", ")} exist${conflicts.length === 1 ? "s" : ""}${values.force ? " and are not plain files" : ""}; ${values.force ? "move them away" : "pass --force to overwrite (declarations in telephony/ are never overwritten)"}`,
    );
  }
  for (const [path, content] of plan.files) {
    if (kept.includes(path)) continue;
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    const written =
      path === "package.json" && existing.has(path)
        ? mergedPackageJson(readFileSync(target, "utf8"), content)
        : content;
    // Exclusive unless --force: a file made since the check above is kept too.
    writeFileSync(target, written, { flag: values.force ? "w" : "wx" });
  }
  console.log(`Wrote a telephony-config stack repository in ${dir}:`);
  for (const [path] of plan.files)
    console.log(`  ${path}${kept.includes(path) ? " (kept as it was: your declarations)" : ""}`);
  console.log("\nNext, in that directory:");
  for (const command of plan.next) console.log(`  ${command}`);
  return 0;
}
