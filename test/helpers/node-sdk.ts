import { execFile } from "node:child_process";
import { cpSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { REPO } from "./project.js";

/** The generated Node.js SDK (`@telephony-config/pulumi-telephony`), as committed. */
export const NODE_SDK = join(REPO, "sdk/nodejs");

// Left in sdk/nodejs by installing or using the SDK in place (git ignores them): never copied.
const notGenerated = new Set(["node_modules", "bin"]);

/**
 * sdk/nodejs copied to `dir` and built as `npm install` of the package builds it, with nothing downloaded: its
 * node_modules is the repository's (so @pulumi/pulumi is the project's), and its postinstall runs the project's
 * tsc into bin/ and copies package.json beside it. Nothing is written under sdk/. Resolves to `dir`.
 */
export async function buildNodeSdk(dir: string): Promise<string> {
  cpSync(NODE_SDK, dir, {
    recursive: true,
    filter: (src) => !notGenerated.has(relative(NODE_SDK, src).split("/")[0] ?? ""),
  });
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  try {
    await promisify(execFile)("node", ["scripts/postinstall.js"], {
      cwd: dir,
      env: { ...process.env, PATH: `${join(REPO, "node_modules/.bin")}:${process.env.PATH}` },
      maxBuffer: 64 << 20,
    });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    const output = `${e.stdout ?? ""}\n${e.stderr ?? ""}`;
    throw new Error(`node scripts/postinstall.js (in ${dir}) failed: ${e.message}\n${output}`, { cause: err });
  }
  return dir;
}
