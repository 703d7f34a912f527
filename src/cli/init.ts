import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  INIT_LANGUAGES,
  initPlan,
  mergeGitignore,
  mergePackageJson,
  YAML_PLUGIN_PATH,
  type InitLanguage,
  type InitPlan,
  type MergedPackageJson,
} from "../gitops/init.js";
import { DEFAULTS as KUBERNETES_DEFAULTS } from "../gitops/kubernetes.js";
import { DEFAULT_IMAGE } from "../gitops/kubernetes-stack.js";
import { specOfThisCopy } from "../gitops/install-spec.js";
import { initKubernetes, KUBERNETES_OPTIONS } from "./init-kubernetes.js";
import { packageVersion } from "../gitops/plugin.js";
import { lstatOrUndefined, parentInTheWay } from "./file-checks.js";
import { UsageError } from "./usage-error.js";

export const INIT_HELP = `Usage: telephony-config init [DIR] [--language javascript|yaml] [--ci github|gitlab] [--org HANDLE] [--api-url URL] [--force]
       telephony-config init --kubernetes [DIR] --repo GIT_URL --backend URL --stack NAME[=ORG]... [options]

Scaffolds a stack repository of your own in DIR (default: the current directory), for the Pulumi
language --language names:

  javascript (the default)  package.json (depending on telephony-config and @pulumi/pulumi), Pulumi.yaml
      running the package's program (index.js, Pulumi's Node.js runtime), which reads declarations in
      telephony/: telephony/main.yaml with an example declaration; .gitignore; and a CI workflow (GitHub
      Actions, or GitLab with --ci gitlab) that validates and applies them and reports drift.
  yaml  a Pulumi YAML program (runtime: yaml): Pulumi.yaml with an example telephony:ProviderConfiguration
      resource whose API key and secret are stack config declared secret (\${twilioApiKey}); package.json
      depending on telephony-config, for its native plugin: Pulumi.yaml's plugins: entry runs it from
      node_modules (path ${YAML_PLUGIN_PATH}) once npm install has run, so no plugin install
      is needed and package-lock.json pins its version; .gitignore. No CI workflow: validate and drift read
      declarations in telephony/, which a YAML program does not have.

package.json depends on telephony-config as the copy running init was installed: from a tarball
(npx --package ./telephony-config-X.tgz telephony-config init), by its file: path, relative to DIR; from
a registry, by the range npm recorded; run from a clone of the repository, ^${packageVersion}.

Refuses to overwrite an existing file unless --force; even then, existing declarations (telephony/ for
javascript, Pulumi.yaml for yaml) are kept and an existing package.json only gains what the project
needs: the dependencies it lacks (a spec it has, a file: path among them, stays as it is). Prints the
files it wrote, with package.json's dependency specs, and the commands to run next.

With --kubernetes, writes manifests for the Pulumi Kubernetes Operator (v2) instead, in DIR (default
deploy/kubernetes): base/, a copy of the package's kustomize base (namespace, the workspaces' service
account, an alert on failing Stacks), and overlays/NAME/ with one Stack per --stack (the program from
--repo, the telephony:* settings inline, the API token and passphrase from the Secret <name>-secrets,
never destroyed when deleted, drift corrected on every resync) and one drift CronJob per stack (a
report that changes nothing: drift --stack NAME --summary, one line of JSON). Stack names become
Kubernetes names (lowercase, at most 42 characters, as PKO allows). Every value is checked before
anything is written; an existing file that would change needs --force. Prints the Secrets to create.

Exit codes: 0 written, 1 error (an existing file without --force is one; so is an unknown --language).

Options:
  --language javascript|yaml  the scaffold (default javascript)
  --ci github|gitlab          the CI workflow to write, javascript only (default github)
  --org HANDLE                the organization handle, for the printed config commands
  --api-url URL               the API's base URL, for the printed config commands (default https://unpod.dev);
                              with --kubernetes, each stack's telephony:apiUrl
  --force                     overwrite existing files
  -h, --help                  show this help

Options with --kubernetes:
  --repo GIT_URL              the stack repository (https://, ssh:// or git@host:path; no credentials in it)
  --backend URL               the Pulumi backend the pods share (s3://, gs://, azblob://, https://; not file://)
  --stack NAME[=ORG]          a Pulumi stack and its organization handle (telephony:orgHandle); repeat per stack
  --branch BRANCH             the branch PKO deploys and the drift job checks out (default ${KUBERNETES_DEFAULTS.branch})
  --repo-dir PATH             the directory of Pulumi.yaml in the repository (default its root)
  --rate-budget RPS           the API's requests per second for all stacks together: each stack gets its
                              share (telephony:maxRequestsPerSecond, TELEPHONY_MAX_RPS), as they run at once
  --namespace NS              the namespace of everything (default ${KUBERNETES_DEFAULTS.namespace})
  --image IMAGE               the workspace image (deploy/workspace-image) for the Stacks and drift jobs
                              (default ${DEFAULT_IMAGE}, Pulumi's Node.js image; never PKO's moving default)
  --resync DURATION           how often PKO runs up --refresh and polls the branch (default ${KUBERNETES_DEFAULTS.resync}, at least 60s)
  --drift-schedule CRON       when each drift job runs, in UTC (default "${KUBERNETES_DEFAULTS.driftSchedule}")
  --overlay NAME              the overlay's directory under overlays/ (default ${KUBERNETES_DEFAULTS.overlay})

Example:
  npx telephony-config init telephony-infra --org acme
  npx telephony-config init telephony-infra --language yaml --org acme
  npx --package ./telephony-config-${packageVersion}.tgz telephony-config init telephony-infra --org acme   # from a release tarball
  npx telephony-config init --kubernetes --repo https://github.com/acme/telephony-infra.git --backend s3://acme-state \\
    --stack acme-prod=acme --stack globex-prod=globex --rate-budget 10`;

/** The existing package.json at `path` with what the project needs added; a usage error if it is not JSON. */
function mergedWith(path: string, plan: InitPlan): MergedPackageJson {
  let existing: unknown;
  try {
    existing = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON (${(err as Error).message}); fix it or move it away`);
  }
  if (typeof existing !== "object" || existing === null || Array.isArray(existing))
    throw new UsageError(`${path} is not a JSON object; fix it or move it away`);
  return mergePackageJson(existing as Record<string, unknown>, plan);
}

/** What package.json says of the dependencies, as written: the specs are what npm install will fetch. */
function dependenciesNote(dependencies: Record<string, string>, merged: MergedPackageJson | undefined): string {
  if (!merged)
    return `depends on ${Object.entries(dependencies)
      .map(([name, spec]) => `${name} ${spec}`)
      .join(", ")}`;
  const parts = [];
  if (merged.added.length) parts.push(`added ${merged.added.join(", ")}`);
  if (merged.kept.length) parts.push(`kept your ${merged.kept.join(", ")}`);
  return `merged into yours: ${parts.join("; ")}`;
}

export function init(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      language: { type: "string" },
      ci: { type: "string" },
      org: { type: "string" },
      "api-url": { type: "string" },
      force: { type: "boolean", default: false },
      kubernetes: { type: "boolean", default: false },
      ...KUBERNETES_OPTIONS,
    },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError(`init takes one directory\n\n${INIT_HELP}`);
  if (values.kubernetes) return initKubernetes(values, positionals[0]);
  const kubernetesOnly = Object.keys(KUBERNETES_OPTIONS).find(
    (option) => values[option as keyof typeof values] !== undefined,
  );
  if (kubernetesOnly) throw new UsageError(`--${kubernetesOnly} is an option of init --kubernetes`);
  const language = (values.language ?? "javascript") as InitLanguage;
  if (!INIT_LANGUAGES.includes(language))
    throw new UsageError(
      `--language ${values.language}: expected javascript (the default: the package's program over declarations in telephony/) or yaml (a Pulumi YAML program)${values.language === "typescript" ? "; there is no TypeScript scaffold: the package's ProviderConfiguration class is for a TypeScript program of your own" : ""}`,
    );
  const ci = values.ci ?? "github";
  if (ci !== "github" && ci !== "gitlab") throw new UsageError(`--ci ${ci}: expected github or gitlab`);
  if (language === "yaml" && values.ci !== undefined)
    throw new UsageError(
      "--ci: the yaml scaffold has no CI workflow (validate and drift read declarations in telephony/, which a YAML program does not have)",
    );
  const dir = resolve(positionals[0] ?? ".");
  if (values["api-url"] !== undefined && !URL.canParse(values["api-url"]))
    throw new UsageError(`--api-url ${values["api-url"]}: not a URL`);
  // Run from a tarball (npx --package ./telephony-config-X.tgz) or a private registry, the new project
  // depends on the package as it was installed; from a clone, on this version from the registry.
  const plan = initPlan({
    name: basename(dir),
    language,
    ci,
    orgHandle: values.org,
    apiUrl: values["api-url"],
    telephonyConfigSpec: specOfThisCopy(dir),
  });

  // Everything is checked before anything is written: a refusal leaves no half-made project.
  const kept: string[] = [];
  let merged: MergedPackageJson | undefined;
  let ignores: { text: string; added: string[] } | undefined;
  const conflicts: string[] = [];
  for (const [path] of plan.files) {
    const target = join(dir, path);
    const blocking = parentInTheWay(dir, target);
    if (blocking) throw new UsageError(`${blocking} is in the way: a directory is needed there`);
    const stat = lstatOrUndefined(target);
    if (!stat) continue;
    if (!stat.isFile() || !values.force) conflicts.push(target);
    // Declarations are the user's: --force never replaces them.
    else if (plan.userFiles.includes(path)) kept.push(path);
    else if (path === "package.json") merged = mergedWith(target, plan);
    // What a .gitignore of the user's ignores may be a secret: --force only adds to it.
    else if (path === ".gitignore")
      ignores = mergeGitignore(readFileSync(target, "utf8"), plan.files.find(([p]) => p === path)![1]);
  }
  if (conflicts.length) {
    throw new UsageError(
      `${conflicts.join(", ")} exist${conflicts.length === 1 ? "s" : ""}${values.force ? " and are not plain files" : ""}; ${values.force ? "move them away" : `pass --force to overwrite (your declarations, ${plan.userFiles.join(", ")}, are never overwritten)`}`,
    );
  }
  for (const [path, content] of plan.files) {
    if (kept.includes(path)) continue;
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    const written =
      path === "package.json" && merged ? merged.text : path === ".gitignore" && ignores ? ignores.text : content;
    // Exclusive unless --force: a file made since the check above is kept too.
    writeFileSync(target, written, { flag: values.force ? "w" : "wx" });
  }
  console.log(`Wrote a telephony-config stack repository in ${dir}:`);
  for (const [path] of plan.files) {
    let note = "";
    if (kept.includes(path)) note = " (kept as it was: your declarations)";
    else if (path === "package.json") note = ` (${dependenciesNote(plan.dependencies, merged)})`;
    else if (path === ".gitignore" && ignores)
      note = ignores.added.length ? ` (merged into yours: added ${ignores.added.join(", ")})` : " (yours, unchanged)";
    console.log(`  ${path}${note}`);
  }
  console.log("\nNext, in that directory:");
  for (const command of plan.next) console.log(`  ${command}`);
  return 0;
}
