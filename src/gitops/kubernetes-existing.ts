// What `init --kubernetes` must not change silently in overlays that already exist in DIR: Stacks are live
// once applied, and PKO acts on a changed Stack at its next resync, with no preview and no one watching.
// Pure: the plan and the existing overlays' files in, the problems (nothing is written then) and notes out.
import { parseAllDocuments } from "yaml";
import type { KubernetesPlan } from "./kubernetes.js";
import { DRIFT_FILE, STACKS_FILE } from "./kubernetes-kustomization.js";
import { secretName } from "./kubernetes-secrets.js";

/** An overlay found in DIR/overlays/: its directory's name, its namespace, its stacks.yaml as it is. */
export interface ExistingOverlay {
  overlay: string;
  /** kustomization.yaml's `namespace:`; undefined when it has none or cannot be read. */
  namespace: string | undefined;
  stacksText: string;
}

/** A Stack of an existing stacks.yaml, as far as these checks read it. */
interface ExistingStack {
  name: string;
  stack: string;
  backend: string | undefined;
  orgHandle: string | undefined;
  apiUrl: string | undefined;
  /** Where the program comes from: projectRepo, branch, repoDir ("" for the root). */
  source: { repo: string | undefined; branch: string | undefined; repoDir: string };
}

export interface ExistingFindings {
  problems: string[];
  /** Stacks of this overlay that the new plan leaves out, by Pulumi stack name. */
  dropped: ExistingStack[];
  /** How the program's source of the Stacks this run keeps would change (`--branch main → release`). */
  sourceChanges: string[];
}

/** The Stacks of a stacks.yaml; a file that is no YAML, or a document that is no Stack, gives none. */
function stacksIn(text: string): ExistingStack[] {
  let docs: unknown[];
  try {
    docs = parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
  } catch {
    return [];
  }
  const found: ExistingStack[] = [];
  for (const doc of docs) {
    const object = doc as {
      kind?: unknown;
      metadata?: { name?: unknown };
      spec?: {
        stack?: unknown;
        backend?: unknown;
        config?: Record<string, unknown>;
        projectRepo?: unknown;
        branch?: unknown;
        repoDir?: unknown;
      };
    } | null;
    if (object?.kind !== "Stack" || typeof object.metadata?.name !== "string") continue;
    if (typeof object.spec?.stack !== "string") continue;
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    found.push({
      name: object.metadata.name,
      stack: object.spec.stack,
      backend: text(object.spec.backend),
      orgHandle: text(object.spec.config?.["telephony:orgHandle"]),
      apiUrl: text(object.spec.config?.["telephony:apiUrl"]),
      source: {
        repo: text(object.spec.projectRepo),
        branch: text(object.spec.branch),
        repoDir: text(object.spec.repoDir) ?? "",
      },
    });
  }
  return found;
}

/** One Pulumi stack on one backend: `acme-prod` is the same stack as `org/project/acme-prod` there. */
function sameStack(a: ExistingStack, backend: string, stack: string): boolean {
  if (a.backend !== backend) return false;
  if (a.stack === stack) return true;
  const own = (name: string) => name.slice(name.lastIndexOf("/") + 1);
  return own(a.stack) === own(stack) && (!a.stack.includes("/") || !stack.includes("/"));
}

const orgOf = (org: string | undefined, stack: string) =>
  org === undefined ? `the organization its Pulumi.${stack}.yaml names` : `organization ${org}`;

/**
 * For an overlay that already exists: a Stack of the same name whose organization, API or backend would
 * change is refused (PKO's next resync would replace every configuration in another organization, be
 * refused by every configuration recorded at the other API, or run another state); the Stacks the plan
 * leaves out are noted. For the other overlays: the same Pulumi stack run there too, or the same Stack
 * name in the same namespace (one object, one Secret: another stack's token), is refused.
 */
export function existingOverlayFindings(plan: KubernetesPlan, overlays: ExistingOverlay[]): ExistingFindings {
  const { input } = plan;
  const problems: string[] = [];
  let dropped: ExistingStack[] = [];
  const sourceChanges = new Set<string>();
  for (const existing of overlays) {
    const file = `overlays/${existing.overlay}/${STACKS_FILE}`;
    const stacks = stacksIn(existing.stacksText);
    if (existing.overlay === plan.overlay) {
      const rerun = (what: string) =>
        `${what}. If the stack is to move, preview it with the new setting first (pulumi preview), then delete its Stack from ${file} and run this again`;
      for (const stack of input.stacks) {
        const old = stacks.find((s) => s.name === stack.name);
        if (!old) continue;
        const change = (option: string, from: string | undefined, to: string) => {
          if (from !== undefined && from !== to)
            sourceChanges.add(`${option} ${from || "(the root)"} → ${to || "(the root)"}`);
        };
        change("--repo", old.source.repo, input.repo);
        change("--branch", old.source.branch, input.branch);
        change("--repo-dir", old.source.repoDir, input.repoDir);
        if (old.backend !== undefined && old.backend !== input.backend)
          problems.push(
            rerun(
              `--backend ${input.backend}: ${file} runs ${old.stack} from the state in ${old.backend}; with another backend the Stack ${old.name} would run another state`,
            ),
          );
        if (old.orgHandle !== stack.orgHandle)
          problems.push(
            rerun(
              `--stack ${stack.stack}${stack.orgHandle === undefined ? "" : `=${stack.orgHandle}`}: ${file} runs ${old.stack} in ${orgOf(old.orgHandle, old.stack)} (telephony:orgHandle); with ${orgOf(stack.orgHandle, stack.stack)}, PKO's next resync would replace every configuration of the stack${old.orgHandle === undefined || stack.orgHandle === undefined ? " (unless the two are one)" : ""}, without a preview: each created anew there, then deleted where it is`,
            ),
          );
        // Only a change from one URL to another: without one inline, the stack's own config names it, maybe the same.
        if (old.apiUrl !== undefined && input.apiUrl !== undefined && old.apiUrl !== input.apiUrl)
          problems.push(
            rerun(
              `--api-url ${input.apiUrl}: ${file} runs ${old.stack} at ${old.apiUrl} (telephony:apiUrl); its configurations are recorded at that API, and at another every update of the stack would be refused`,
            ),
          );
      }
      dropped = stacks.filter((old) => !input.stacks.some((stack) => stack.name === old.name));
      continue;
    }
    for (const stack of input.stacks) {
      const twin = stacks.find((s) => sameStack(s, input.backend, stack.stack));
      if (twin)
        problems.push(
          `--stack ${stack.stack}: ${file} runs it already (its Stack ${twin.name}, on ${input.backend}); two Stacks of one Pulumi stack would take turns running up, each with its own settings and Secret (with another organization, each turn would replace every configuration): keep it in one overlay`,
        );
      else if (existing.namespace === input.namespace && stacks.some((s) => s.name === stack.name))
        problems.push(
          `--stack ${stack.stack}: ${file} has a Stack ${stack.name} in the namespace ${input.namespace} too: one overlay would overwrite the other's Stack and drift CronJob, and both would read the Secret ${secretName(stack.name)} (one stack with the other's token): give this overlay another --namespace, or rename a stack`,
        );
    }
  }
  return { problems, dropped, sourceChanges: [...sourceChanges] };
}

/** A stack's Pulumi.<stack>.yaml as committed in the stack repository this runs in, when it is there. */
export interface CommittedConfig {
  /** The Pulumi stack as --stack gave it. */
  stack: string;
  /** Its path, as said to the user. */
  file: string;
  text: string;
}

/**
 * PKO sets a Stack's inline config over the committed Pulumi.<stack>.yaml, while the drift job reads the
 * file first and takes TELEPHONY_* only for what it lacks. A committed telephony:orgHandle or apiUrl other
 * than the inline one would have the Stack run elsewhere than the stack has run (another organization:
 * every configuration replaced) and the drift job check another place than the Stack runs; a committed
 * maxRequestsPerSecond would have the drift job ignore its share of the budget.
 */
export function committedConfigProblems(plan: KubernetesPlan, committed: CommittedConfig[]): string[] {
  const problems: string[] = [];
  for (const { stack: name, file, text } of committed) {
    const stack = plan.input.stacks.find((s) => s.stack === name);
    if (!stack) continue;
    let config: Record<string, unknown> | undefined;
    try {
      config = (parseAllDocuments(text)[0]?.toJS() as { config?: Record<string, unknown> } | null)?.config;
    } catch {
      continue;
    }
    const value = (key: string) => {
      const v = config?.[key];
      return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
    };
    const org = value("telephony:orgHandle");
    if (org !== undefined && stack.orgHandle !== undefined && org !== stack.orgHandle)
      problems.push(
        `--stack ${stack.stack}=${stack.orgHandle}: ${file} sets telephony:orgHandle ${org}. PKO sets the inline value over the file, so the Stack would run in ${stack.orgHandle} (a stack that has run in ${org} would have every configuration replaced: created anew in ${stack.orgHandle}, deleted in ${org}), while the drift job, which reads the file first, would check ${org}: give --stack ${stack.stack}=${org}, or --stack ${stack.stack} alone to use the file's`,
      );
    const api = value("telephony:apiUrl");
    if (api !== undefined && plan.input.apiUrl !== undefined && api !== plan.input.apiUrl)
      problems.push(
        `--api-url ${plan.input.apiUrl}: ${file} sets telephony:apiUrl ${api}. PKO sets the inline value over the file, and the drift job reads the file first: the Stack would run at one API and its drift job check another. Give the file's URL, or no --api-url`,
      );
    if (config?.["telephony:apiToken"] !== undefined)
      problems.push(
        `--stack ${stack.stack}: ${file} sets telephony:apiToken, which the drift job reads first: it would use that token, not the Secret's apiToken that PKO gives the Stack, so a token rotated or revoked in the Secret would never reach the drift job. Once the Secret holds the token, remove it from the file (${/(^|\/)Pulumi\.ya?ml$/.test(file) ? "from its config: block" : `pulumi config rm telephony:apiToken --stack ${stack.stack}`}) and commit that; a CI job that runs the stack then needs TELEPHONY_API_TOKEN from its own secrets`,
      );
    if (value("telephony:maxRequestsPerSecond") !== undefined && plan.input.maxRequestsPerSecond !== undefined)
      problems.push(
        `--rate-budget: ${file} sets telephony:maxRequestsPerSecond, which the drift job reads first: it would not keep to its share (${plan.input.maxRequestsPerSecond}). Remove the key from the file, or give no --rate-budget`,
      );
  }
  return problems;
}

/** What the generator writes in an overlay's kustomization.yaml; anything else there is the user's. */
const GENERATED_KEYS = new Set(["apiVersion", "kind", "namespace", "resources", "replacements"]);
const GENERATED_RESOURCES = new Set(["../../base", STACKS_FILE, DRIFT_FILE]);

/**
 * An existing kustomization.yaml of the overlay that holds more than the generator writes (a gitAuth patch,
 * an image, a component): --force would drop it without a word, and with it, say, the Stacks' git
 * credentials. Refused, --force or not; the user's additions belong in an overlay of their own over this one.
 */
export function kustomizationEditsProblem(overlay: string, text: string): string | undefined {
  let object: unknown;
  try {
    object = parseAllDocuments(text)[0]?.toJS();
  } catch {
    return undefined;
  }
  if (typeof object !== "object" || object === null) return undefined;
  const own = [
    ...Object.keys(object).filter((key) => !GENERATED_KEYS.has(key)),
    ...(Array.isArray((object as { resources?: unknown }).resources)
      ? ((object as { resources: unknown[] }).resources.filter(
          (entry) => typeof entry !== "string" || !GENERATED_RESOURCES.has(entry),
        ) as unknown[])
      : []
    ).map((entry) => `resources: ${String(entry)}`),
  ];
  if (!own.length) return undefined;
  return `overlays/${overlay}/kustomization.yaml holds what the generator never writes (${own.join(", ")}), which writing it again would drop: move it to an overlay of your own whose resources: name ../${overlay}, then run this again`;
}
