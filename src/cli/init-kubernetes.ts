// `telephony-config init --kubernetes`: the thin runner over the planner (gitops/kubernetes.ts). Checks every
// value and every file first, then writes; prints what it wrote and the Secrets to create.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { printable } from "../declarations/declaration.js";
import {
  committedConfigProblems,
  existingOverlayFindings,
  kustomizationEditsProblem,
  type CommittedConfig,
  type ExistingOverlay,
} from "../gitops/kubernetes-existing.js";
import {
  DRIFT_FILE,
  KubernetesOptionsError,
  kubernetesPlan,
  packageBase,
  STACKS_FILE,
  type KubernetesPlan,
} from "../gitops/kubernetes.js";
import { lstatOrUndefined, parentInTheWay } from "./file-checks.js";
import { UsageError } from "./usage-error.js";

/** init's parseArgs options that only --kubernetes takes. */
export const KUBERNETES_OPTIONS = {
  repo: { type: "string" },
  backend: { type: "string" },
  stack: { type: "string", multiple: true },
  branch: { type: "string" },
  "repo-dir": { type: "string" },
  "rate-budget": { type: "string" },
  namespace: { type: "string" },
  image: { type: "string" },
  resync: { type: "string" },
  "drift-schedule": { type: "string" },
  overlay: { type: "string" },
} as const;

type Values = {
  [K in keyof typeof KUBERNETES_OPTIONS]?: (typeof KUBERNETES_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : string;
} & {
  language?: string | undefined;
  ci?: string | undefined;
  org?: string | undefined;
  "api-url"?: string | undefined;
  force?: boolean | undefined;
};

const DEFAULT_DIR = "deploy/kubernetes";

function planFor(values: Values): KubernetesPlan {
  if (values.org !== undefined)
    throw new UsageError(
      "--org is not an option of init --kubernetes: give each stack's org handle as --stack NAME=ORG",
    );
  for (const option of ["language", "ci"] as const)
    if (values[option] !== undefined)
      throw new UsageError(
        `--${option} is not an option of init --kubernetes, which writes manifests, not a stack repository`,
      );
  try {
    return kubernetesPlan(
      {
        repo: values.repo,
        backend: values.backend,
        stacks: values.stack ?? [],
        branch: values.branch,
        repoDir: values["repo-dir"],
        apiUrl: values["api-url"],
        rateBudget: values["rate-budget"],
        namespace: values.namespace,
        image: values.image,
        resync: values.resync,
        driftSchedule: values["drift-schedule"],
        overlay: values.overlay,
      },
      packageBase(),
    );
  } catch (error) {
    if (error instanceof KubernetesOptionsError) throw new UsageError(error.message);
    throw error;
  }
}

/** The overlays already in DIR/overlays/ that have a stacks.yaml (plain files only: a link is not followed). */
function existingOverlays(dir: string): ExistingOverlay[] {
  const root = join(dir, "overlays");
  if (!lstatOrUndefined(root)?.isDirectory()) return [];
  const plain = (path: string) => (lstatOrUndefined(path)?.isFile() ? readFileSync(path, "utf8") : undefined);
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const stacksText = plain(join(root, entry.name, STACKS_FILE));
      if (stacksText === undefined) return [];
      const namespace = /^namespace: *([a-z0-9-]+) *$/m.exec(plain(join(root, entry.name, "kustomization.yaml")) ?? "");
      return [{ overlay: entry.name, namespace: namespace?.[1], stacksText }];
    });
}

/**
 * The config each stack is given from the clone, when this runs in the stack repository (its project, at
 * --repo-dir, has a Pulumi.yaml): the project's own `config:` in Pulumi.yaml, which every stack inherits, and
 * the stack's Pulumi.<stack>.yaml, in the project's stackConfigDir if it names one. The Stacks and the drift
 * jobs read both from the clone.
 */
function committedConfigs(plan: KubernetesPlan): CommittedConfig[] {
  const project = resolve(plan.input.repoDir);
  const projectFile = join(project, "Pulumi.yaml");
  if (!lstatOrUndefined(projectFile)?.isFile()) return [];
  const projectText = readFileSync(projectFile, "utf8");
  let configDir = project;
  try {
    const named = (parse(projectText) as { stackConfigDir?: unknown } | null)?.stackConfigDir;
    if (typeof named === "string") configDir = resolve(project, named);
  } catch {
    // Pulumi itself says what is wrong with its Pulumi.yaml; the stack files are looked for beside it.
  }
  return plan.input.stacks.flatMap((stack) => {
    const path = join(configDir, `Pulumi.${stack.stack.slice(stack.stack.lastIndexOf("/") + 1)}.yaml`);
    const own = lstatOrUndefined(path)?.isFile()
      ? [{ stack: stack.stack, file: relative(process.cwd(), path), text: readFileSync(path, "utf8") }]
      : [];
    return [{ stack: stack.stack, file: relative(process.cwd(), projectFile), text: projectText }, ...own];
  });
}

export function initKubernetes(values: Values, dirArgument: string | undefined): number {
  const plan = planFor(values);
  const dir = resolve(dirArgument ?? DEFAULT_DIR);
  const force = values.force === true;

  // Overlays already there may be live: what PKO would do with a changed Stack is refused, --force or not.
  const existing = existingOverlayFindings(plan, existingOverlays(dir));
  const problems = [...existing.problems, ...committedConfigProblems(plan, committedConfigs(plan))];
  const kustomization = join(dir, "overlays", plan.overlay, "kustomization.yaml");
  if (lstatOrUndefined(kustomization)?.isFile()) {
    const edits = kustomizationEditsProblem(plan.overlay, readFileSync(kustomization, "utf8"));
    if (edits) problems.push(edits);
  }
  if (problems.length) throw new UsageError(new KubernetesOptionsError(problems).message);

  // Every file is checked before one is written: a refusal leaves nothing half-made.
  const unchanged = new Set<string>();
  const conflicts: string[] = [];
  const notFiles: string[] = [];
  for (const { path, text } of plan.files) {
    const target = join(dir, path);
    const blocking = parentInTheWay(dir, target);
    if (blocking)
      throw new UsageError(`${printable(blocking)} is in the way: a directory is needed there; nothing written`);
    const stat = lstatOrUndefined(target);
    if (!stat) continue;
    if (!stat.isFile()) notFiles.push(target);
    else if (readFileSync(target, "utf8") === text) unchanged.add(path);
    else if (!force) conflicts.push(target);
  }
  if (notFiles.length)
    throw new UsageError(
      `${notFiles.map(printable).join(", ")} ${notFiles.length === 1 ? "is" : "are"} not a plain file: move ${notFiles.length === 1 ? "it" : "them"} away; nothing written`,
    );
  if (conflicts.length)
    throw new UsageError(
      `${conflicts.map(printable).join(", ")} exist${conflicts.length === 1 ? "s" : ""} with other content; pass --force to overwrite (nothing written)`,
    );

  for (const { path, text } of plan.files) {
    if (unchanged.has(path)) continue;
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    // Exclusive unless --force: a file made since the check above is kept.
    writeFileSync(target, text, { flag: force ? "w" : "wx" });
  }

  const count = plan.input.stacks.length;
  const namespace = plan.input.namespace;
  console.log(`Wrote the Kubernetes manifests for ${count} stack${count === 1 ? "" : "s"} in ${printable(dir)}:`);
  for (const { path } of plan.files) {
    let note = "";
    if (unchanged.has(path)) note = " (unchanged)";
    else if (path.endsWith(`/${STACKS_FILE}`)) note = ` (${count} Stack${count === 1 ? "" : "s"})`;
    else if (path.endsWith(`/${DRIFT_FILE}`)) note = ` (${count} drift CronJob${count === 1 ? "" : "s"})`;
    console.log(`  ${path}${note}`);
  }
  const overlayDir = relative(process.cwd(), join(dir, "overlays", plan.overlay)) || ".";
  console.log(
    "\nNext: the namespace, then one Secret per stack, from files outside the repository (never a value on a command line):",
  );
  console.log(`  kubectl create namespace ${namespace}`);
  for (const secret of plan.secrets) {
    const stem = secret.name.replace(/-secrets$/, "");
    const files = secret.keys.map((key) => `--from-file=${key}=${stem}.${key}`).join(" ");
    console.log(`  kubectl create secret generic ${secret.name} --namespace ${namespace} ${files}`);
  }
  console.log(`  kubectl apply -k ${printable(overlayDir)}`);
  if (existing.sourceChanges.length)
    console.log(
      `\nChanged for the Stacks already in this overlay: ${existing.sourceChanges.map(printable).join(", ")}. Once applied, PKO runs the program from there at its next resync, without a preview: a configuration not declared there is deleted. Preview each stack from there first (pulumi preview).`,
    );
  if (existing.dropped.length)
    console.log(
      `\nNo longer in this overlay: ${existing.dropped.map((stack) => `${stack.name} (${printable(stack.stack)})`).join(", ")}. Applied with pruning (kubectl apply --prune, Argo CD, Flux), ${existing.dropped.length === 1 ? "its Stack and drift CronJob go" : "their Stacks and drift CronJobs go"} and PKO stops running ${existing.dropped.length === 1 ? "it" : "them"}; nothing is destroyed (destroyOnFinalize: false): the configurations, the state and the Secrets stay. Without pruning the objects stay and keep running: delete them yourself.`,
    );
  const withoutOrg = plan.input.stacks.filter((stack) => stack.orgHandle === undefined).map((stack) => stack.stack);
  console.log(
    `\nCommit each stack's Pulumi.<stack>.yaml to the stack repository with its telephony:productId${withoutOrg.length ? ` (and telephony:orgHandle, for ${withoutOrg.map(printable).join(", ")})` : ""}: the Stacks and the drift jobs read it there. PKO never creates a stack (useLocalStackOnly): each must exist in the backend already (pulumi stack init, once).`,
  );
  return 0;
}
