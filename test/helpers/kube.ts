// kustomize and kubeconform as the manifest tests run them: the pinned builds and Kubernetes' JSON Schemas that
// scripts/toolchain.sh keeps in the cache (before vitest, as `npm test` runs it, or `npm run setup:kube`), plus this repo's
// schemas for the custom resources (deploy/kubernetes/schemas).
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { REPO } from "./project.js";

export const KUBE_SCHEMAS = join(REPO, "deploy/kubernetes/schemas");

export interface KubeTools {
  kubeconform: string;
  kustomize: string;
  /** Kubernetes' strict JSON Schemas of one version, their $refs made absolute file:// URLs by the set-up. */
  kubernetesSchemas: string;
}

/**
 * Where the toolchain put them: $TELEPHONY_KUBE_TOOLS when run through it, else the cache's `kube` link (a plain
 * `npx vitest run`). A directory whose set-up did not finish is not used.
 */
export function kubeTools(): KubeTools {
  const cache =
    process.env.TELEPHONY_CONFIG_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "telephony-config");
  const dir = process.env.TELEPHONY_KUBE_TOOLS ?? join(cache, "kube");
  if (!existsSync(join(dir, ".complete")))
    throw new Error(
      `kubeconform, kustomize and Kubernetes' JSON Schemas are not set up in ${dir}: run the tests with npm test or npm run test:unit, which set them up first (or TELEPHONY_CONFIG_KUBE=1 bash scripts/toolchain.sh)`,
    );
  // One Kubernetes version per tools directory (the version is part of the directory's key).
  const [version, ...more] = readdirSync(join(dir, "schemas"));
  if (!version || more.length) throw new Error(`expected one Kubernetes version in ${dir}/schemas`);
  return {
    kubeconform: join(dir, "bin/kubeconform"),
    kustomize: join(dir, "bin/kustomize"),
    kubernetesSchemas: join(dir, "schemas", version),
  };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** `kustomize build DIR`: the YAML it prints; throws with kustomize's message when the build fails. */
export async function kustomizeBuild(dir: string): Promise<string> {
  const result = await run(kubeTools().kustomize, ["build", dir]);
  if (result.code !== 0) throw new Error(`kustomize build ${dir} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

export interface Verdict {
  /** The resource's file (`stdin` for YAML text), kind and name, and kubeconform's status and message. */
  filename: string;
  kind: string;
  name: string;
  status: "statusValid" | "statusInvalid" | "statusError" | "statusSkipped" | "statusEmpty" | "";
  msg: string;
}

export interface Validation {
  code: number;
  resources: Verdict[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
  /** kubeconform's own output, for a failing assertion's message. */
  output: string;
}

/**
 * `kubeconform -strict` on YAML text (one or more documents) or on files: Kubernetes' schemas for the built-in
 * kinds, deploy/kubernetes/schemas (`<group>/<kind>_<version>.json`) for the custom ones. A kind with neither is
 * an error, never a skip (no -ignore-missing-schemas); -strict also refuses unknown fields where a schema does not
 * and duplicated keys.
 */
export async function kubeconform(input: { yaml: string } | { files: string[] }): Promise<Validation> {
  const tools = kubeTools();
  const args = [
    "-strict",
    "-summary",
    "-verbose",
    "-output",
    "json",
    "-schema-location",
    `${tools.kubernetesSchemas}/{{.ResourceKind}}{{.KindSuffix}}.json`,
    "-schema-location",
    `${KUBE_SCHEMAS}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
  ];
  const result =
    "yaml" in input
      ? await run(tools.kubeconform, [...args, "-"], input.yaml)
      : await run(tools.kubeconform, [...args, ...input.files]);
  let parsed: { resources?: Verdict[]; summary?: Validation["summary"] };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    throw new Error(`kubeconform printed no JSON (exit ${result.code}): ${result.stdout}${result.stderr}`);
  }
  return {
    code: result.code,
    // A document with only comments (a file's header before its first ---) is no resource.
    resources: (parsed.resources ?? []).filter(
      (verdict) => verdict.kind !== "" || !/^(statusEmpty)?$/.test(verdict.status),
    ),
    summary: parsed.summary ?? { valid: 0, invalid: 0, errors: 0, skipped: 0 },
    output: result.stdout + result.stderr,
  };
}
