// A stack's config as its program sees it, read with the Pulumi CLI as a user would, from the
// project directory: the one way a command given --stack reaches the stack's settings.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";

const run = promisify(execFile);

export interface StackConfig {
  /** The stack's own name, as its program sees it (`prod`, also for `acme/telephony/prod`). */
  name: string;
  /** The Pulumi project's directory: where Pulumi.yaml is, at or above where the command runs. */
  dir: string;
  project: string;
  /** Fully qualified config keys (`telephony:apiUrl`, `<project>:twilioApiSecret`) → values, secrets decrypted. */
  config: Record<string, string>;
  /** The fully qualified keys whose values are secrets. */
  secretKeys: Set<string>;
}

export async function pulumi(args: string[], cwd: string): Promise<string> {
  try {
    return (await run("pulumi", args, { cwd, maxBuffer: 256 << 20 })).stdout;
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    // Not the caught error as cause: it holds the command's stdout, which `pulumi config --show-secrets`
    // fills with decrypted secrets.
    // eslint-disable-next-line preserve-caught-error
    if (e.code === "ENOENT") throw new Error("the Pulumi CLI is not on PATH (needed for --stack)");
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${(e.stderr ?? String(error)).trim()}`);
  }
}

/** The directory of the Pulumi project that `cwd` is in, as the Pulumi CLI finds it. */
export function projectDir(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Pulumi.yaml in ${cwd} or above it: --stack runs in a Pulumi project`);
  }
}

export async function readStackConfig(stack: string, cwd: string): Promise<StackConfig> {
  const dir = projectDir(cwd);
  const project = String((parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { name?: unknown }).name ?? "");
  const configJson = await pulumi(["config", "--json", "--show-secrets", "--stack", stack], dir);
  const entries = Object.entries(
    JSON.parse(configJson) as Record<string, { value?: unknown; secret?: boolean }>,
  ).filter(([, v]) => v.value !== undefined);
  return {
    name: stack.slice(stack.lastIndexOf("/") + 1),
    dir,
    project,
    config: Object.fromEntries(entries.map(([k, v]) => [k, String(v.value)])),
    secretKeys: new Set(entries.filter(([, v]) => v.secret).map(([k]) => k)),
  };
}
