// What `telephony-config init --kubernetes` writes: the package's kustomize base, copied, and an overlay of
// Pulumi Kubernetes Operator Stacks and drift CronJobs for a list of stacks. Pure: options and the base's
// files in, the files out; every value is checked first, and any problem means no file at all.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { printable } from "../declarations/declaration.js";
import { DEFAULT_DRIFT_SCHEDULE, driftCronJobsFile } from "./kubernetes-drift.js";
import { baseFacts, DRIFT_FILE, kustomizationFile, type PlannedFile, STACKS_FILE } from "./kubernetes-kustomization.js";
import {
  apiUrlProblem,
  backendProblem,
  branchProblem,
  controlCharacterProblem,
  duplicateProblems,
  imageProblem,
  namespaceProblem,
  normalRepoDir,
  overlayProblem,
  parseStackArgument,
  repoDirProblem,
  repoProblem,
  resyncSeconds,
  scheduleProblem,
  type StackArgument,
} from "./kubernetes-names.js";
import { secretKeysFor, secretName } from "./kubernetes-secrets.js";
import { type KubernetesInput, stacksFile } from "./kubernetes-stack.js";
import { rateShare } from "./rate-budget.js";

export type { PlannedFile } from "./kubernetes-kustomization.js";
export { DRIFT_FILE, STACKS_FILE } from "./kubernetes-kustomization.js";

/** The options as typed (strings), before any check. */
export interface KubernetesOptions {
  repo?: string | undefined;
  backend?: string | undefined;
  stacks: string[];
  branch?: string | undefined;
  repoDir?: string | undefined;
  apiUrl?: string | undefined;
  rateBudget?: string | undefined;
  namespace?: string | undefined;
  image?: string | undefined;
  resync?: string | undefined;
  driftSchedule?: string | undefined;
  overlay?: string | undefined;
}

export const DEFAULTS = {
  branch: "main",
  namespace: "telephony-config",
  /** Each resync runs `pulumi up --refresh` (a list of the organization's configurations at least) and polls git. */
  resync: "10m",
  driftSchedule: DEFAULT_DRIFT_SCHEDULE,
  overlay: "stacks",
} as const;

export interface KubernetesPlan {
  /** Relative to DIR, in the order written: base/… then overlays/<overlay>/…. */
  files: PlannedFile[];
  input: KubernetesInput;
  overlay: string;
  /** The Secret each stack reads, with the keys it must hold: for the commands to run next. */
  secrets: Array<{ name: string; keys: string[] }>;
}

/** Every problem with the options, one per line; nothing was planned. */
export class KubernetesOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `${problems[0]}; nothing written`
        : `${problems.length} problems, nothing written:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
  }
}

/** How to run the generator again with these options, for the overlay's kustomization.yaml. */
function commandLine(options: KubernetesOptions, overlay: string): string {
  const quote = (value: string) =>
    /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
  const words = ["npx telephony-config init --kubernetes DIR", `--overlay ${quote(overlay)}`];
  const add = (flag: string, value: string | undefined) => {
    if (value !== undefined) words.push(`${flag} ${quote(value)}`);
  };
  add("--repo", options.repo);
  add("--branch", options.branch);
  add("--repo-dir", options.repoDir);
  add("--backend", options.backend);
  for (const stack of options.stacks) add("--stack", stack);
  add("--api-url", options.apiUrl);
  add("--rate-budget", options.rateBudget);
  add("--namespace", options.namespace);
  add("--image", options.image);
  add("--resync", options.resync);
  add("--drift-schedule", options.driftSchedule);
  return `${words.join(" ")} --force`;
}

/** The files for these options over this base (the package's deploy/kubernetes/base), or every problem. */
export function kubernetesPlan(options: KubernetesOptions, base: PlannedFile[]): KubernetesPlan {
  const problems: string[] = [];
  const check = (problem: string | undefined) => {
    if (problem) problems.push(problem);
  };
  // First, and alone: a value with a newline would break out of the YAML it is written into. (--stack's own
  // check refuses one, naming the part.)
  const typed: Array<[string, string | undefined]> = [
    ["--repo", options.repo],
    ["--backend", options.backend],
    ["--branch", options.branch],
    ["--repo-dir", options.repoDir],
    ["--api-url", options.apiUrl],
    ["--rate-budget", options.rateBudget],
    ["--namespace", options.namespace],
    ["--image", options.image],
    ["--resync", options.resync],
    ["--drift-schedule", options.driftSchedule],
    ["--overlay", options.overlay],
  ];
  for (const [option, text] of typed) if (text !== undefined) check(controlCharacterProblem(option, text));
  if (problems.length) throw new KubernetesOptionsError(problems);
  if (options.repo === undefined) problems.push("--repo GIT_URL is needed: the stack repository the Stacks run");
  else check(repoProblem(options.repo));
  if (options.backend === undefined)
    problems.push("--backend URL is needed: the Pulumi backend that holds the stacks' state (e.g. s3://bucket)");
  else check(backendProblem(options.backend));
  if (!options.stacks.length) problems.push("--stack NAME[=ORG] is needed, once per stack");
  const stacks: StackArgument[] = [];
  for (const text of options.stacks) {
    const parsed = parseStackArgument(text);
    if (typeof parsed === "string") problems.push(parsed);
    else stacks.push(parsed);
  }
  problems.push(...duplicateProblems(stacks));
  const branch = options.branch ?? DEFAULTS.branch;
  check(branchProblem(branch));
  if (options.repoDir !== undefined) check(repoDirProblem(options.repoDir));
  if (options.apiUrl !== undefined) check(apiUrlProblem(options.apiUrl));
  let maxRequestsPerSecond: number | undefined;
  if (options.rateBudget !== undefined) {
    const budget = /^\s*$/.test(options.rateBudget) ? Number.NaN : Number(options.rateBudget);
    if (!(budget > 0) || !Number.isFinite(budget))
      problems.push(
        `--rate-budget ${printable(options.rateBudget)}: not a positive number of requests per second (e.g. 10)`,
      );
    else {
      try {
        // PKO runs every Stack at once: each gets its share of the budget from its first request.
        maxRequestsPerSecond = rateShare(budget, Math.max(options.stacks.length, 1));
      } catch (error) {
        problems.push(`--rate-budget ${options.rateBudget}: ${(error as Error).message}`);
      }
    }
  }
  const namespace = options.namespace ?? DEFAULTS.namespace;
  check(namespaceProblem(namespace));
  if (options.image !== undefined) check(imageProblem(options.image));
  const resync = resyncSeconds(options.resync ?? DEFAULTS.resync);
  if (typeof resync === "string") problems.push(resync);
  const driftSchedule = options.driftSchedule ?? DEFAULTS.driftSchedule;
  check(scheduleProblem(driftSchedule));
  const overlay = options.overlay ?? DEFAULTS.overlay;
  check(overlayProblem(overlay));
  if (problems.length) throw new KubernetesOptionsError(problems);

  const facts = baseFacts(base);
  const input: KubernetesInput = {
    stacks,
    repo: options.repo!,
    branch,
    repoDir: normalRepoDir(options.repoDir ?? ""),
    backend: options.backend!,
    apiUrl: options.apiUrl,
    maxRequestsPerSecond,
    namespace,
    image: options.image,
    resyncSeconds: resync as number,
    driftSchedule: driftSchedule.trim(),
    serviceAccount: facts.serviceAccount,
  };
  const at = `overlays/${overlay}`;
  return {
    files: [
      ...base.map((file) => ({ path: `base/${file.path}`, text: file.text })),
      { path: `${at}/kustomization.yaml`, text: kustomizationFile(namespace, facts, commandLine(options, overlay)) },
      { path: `${at}/${STACKS_FILE}`, text: stacksFile(input) },
      { path: `${at}/${DRIFT_FILE}`, text: driftCronJobsFile(input) },
    ],
    input,
    overlay,
    secrets: stacks.map((stack) => ({ name: secretName(stack.name), keys: secretKeysFor(input.backend) })),
  };
}

/** The package's own deploy/kubernetes/base, file by file (by self-reference: src/ and dist/src/ find the same). */
export function packageBase(): PlannedFile[] {
  const root = join(
    dirname(createRequire(import.meta.url).resolve("telephony-config/package.json")),
    "deploy/kubernetes/base",
  );
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort()
    .map((path) => ({ path, text: readFileSync(join(root, path), "utf8") }));
}
