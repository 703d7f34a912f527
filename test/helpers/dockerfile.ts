// The few Dockerfile instructions the workspace image uses, read and run without a container engine
// (none runs here): ARG, FROM, ENV and RUN with a bind mount of the build context. Each absolute path
// the file names (an ENV value, a mount's target) is moved under a sandbox root, so the steps run as
// written against a stack repository in a temp dir.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { promisify } from "node:util";

export interface Instruction {
  op: string;
  args: string;
}

/** Instructions in order; continuation lines joined, comments and the parser directive left out. */
export function instructions(text: string): Instruction[] {
  const joined = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

const pairs = (args: string): Array<[string, string]> =>
  [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)].map((m) => [m[1]!, m[2]!]);

/** The image FROM names, its ARGs' defaults substituted. */
export function baseImage(list: Instruction[]): string {
  const args = Object.fromEntries(list.filter((i) => i.op === "ARG").flatMap((i) => pairs(i.args)));
  const from = list.find((i) => i.op === "FROM");
  if (!from) throw new Error("no FROM");
  return from.args.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? "");
}

export interface Sandbox {
  root: string;
  /** The ENV the image sets, its absolute paths moved under the root. */
  env: Record<string, string>;
}

/**
 * Runs every RUN after FROM with bash, the build context `context` copied to the mount's target (its
 * writes dropped, as a `rw` bind mount's are), with `env` besides the image's ENV.
 */
export async function runSteps(list: Instruction[], root: string, context: string, env: NodeJS.ProcessEnv) {
  const under = (value: string) => value.replace(/(^|[\s=:])\/(?=[a-z])/g, `$1${root}/`);
  const sandbox: Sandbox = { root, env: {} };
  for (const { op, args } of list.slice(list.findIndex((i) => i.op === "FROM") + 1)) {
    if (op === "ENV") for (const [name, value] of pairs(args)) sandbox.env[name] = under(value);
    else if (op === "RUN") {
      const mount = /^--mount=type=bind,target=(\S+?)(,rw)?\s+/.exec(args);
      let script = args;
      if (mount) {
        const target = under(mount[1]!);
        mkdirSync(target, { recursive: true });
        cpSync(context, target, { recursive: true });
        script = args.slice(mount[0].length);
      }
      await promisify(execFile)("bash", ["-euo", "pipefail", "-c", under(script)], {
        cwd: root,
        env: { ...env, ...sandbox.env },
        maxBuffer: 64 << 20,
      });
    } else throw new Error(`the workspace image uses ${op}, which this reader does not run`);
  }
  return sandbox;
}
