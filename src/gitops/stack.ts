// What a stack knows: its config (API settings, secret values) and the ids in its state. Read with
// the Pulumi CLI, as a user would, from the project directory.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { projectStackValues, type StackValues } from "../declarations/interpolate.js";
import { configuredPaths, DECLARATIONS_NOT_SECRET } from "../declarations/load.js";
import { RESOURCE_TYPE } from "../provider/resource-type.js";

const run = promisify(execFile);

export interface StackInfo {
  /** The stack's own name, as its program sees it (`prod`, also for `acme/telephony/prod`). */
  name: string;
  /** The Pulumi project's directory: where Pulumi.yaml is, at or above where the command runs. */
  dir: string;
  /** Fully qualified config keys (`telephony:apiUrl`, `<project>:twilioApiSecret`) → values, secrets decrypted. */
  config: Record<string, string>;
  /** The fully qualified keys whose values are secrets. */
  secretKeys: Set<string>;
  project: string;
  /** Logical key → configuration id, from the stack's state. */
  stateIds: Map<string, number>;
}

async function pulumi(args: string[], cwd: string): Promise<string> {
  try {
    return (await run("pulumi", args, { cwd, maxBuffer: 256 << 20 })).stdout;
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    if (e.code === "ENOENT") throw new Error("the Pulumi CLI is not on PATH (needed for --stack)");
    throw new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${(e.stderr ?? String(error)).trim()}`);
  }
}

/** The directory of the Pulumi project that `cwd` is in, as the Pulumi CLI finds it. */
function projectDir(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Pulumi.yaml in ${cwd} or above it: --stack runs in a Pulumi project`);
  }
}

export async function readStack(stack: string, cwd: string): Promise<StackInfo> {
  const dir = projectDir(cwd);
  const project = String((parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { name?: unknown }).name ?? "");
  const [configJson, stateJson] = await Promise.all([
    pulumi(["config", "--json", "--show-secrets", "--stack", stack], dir),
    pulumi(["stack", "export", "--stack", stack], dir),
  ]);
  const entries = Object.entries(
    JSON.parse(configJson) as Record<string, { value?: unknown; secret?: boolean }>,
  ).filter(([, v]) => v.value !== undefined);
  const config = Object.fromEntries(entries.map(([k, v]) => [k, String(v.value)]));
  const secretKeys = new Set(entries.filter(([, v]) => v.secret).map(([k]) => k));
  const state = JSON.parse(stateJson) as {
    deployment?: { resources?: Array<{ urn: string; type: string; id?: string; delete?: boolean }> };
  };
  const stateIds = new Map<string, number>();
  for (const r of state.deployment?.resources ?? []) {
    // A resource pending deletion (the old half of a replacement that could not finish) is not the key's.
    if (r.type === RESOURCE_TYPE && r.id && !r.delete)
      stateIds.set(r.urn.slice(r.urn.lastIndexOf("::") + 2), Number(r.id));
  }
  return { name: stack.slice(stack.lastIndexOf("/") + 1), dir, config, secretKeys, project, stateIds };
}

/** The declarations the stack's program reads: its telephony:declarations, relative to the project. */
export function declarationPaths(info: StackInfo): string[] {
  if (info.secretKeys.has("telephony:declarations")) throw new Error(DECLARATIONS_NOT_SECRET);
  return configuredPaths(info.config["telephony:declarations"]).map((path) => resolve(info.dir, path));
}

/** A value of the project's own config (`${secret:KEY}`, `${config:KEY}`), secrets decrypted. */
export const projectValue = (info: StackInfo, key: string): string | undefined => info.config[`${info.project}:${key}`];

/** What `${config:…}` and `${stack}` resolve to for this stack, as its program resolves them. */
export const stackValues = (info: StackInfo): StackValues =>
  projectStackValues(
    info.name,
    info.project,
    (key) => info.config[key],
    (key) => info.secretKeys.has(key),
  );
