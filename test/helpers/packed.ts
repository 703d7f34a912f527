import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { REPO } from "./project.js";

// Never copied: what npm install and the build leave (the copy's prepack builds dist/ afresh, and its
// node_modules is the repository's, linked).
const notSources = new Set(["node_modules", ".git"]);

export interface Packed {
  /** The tarball, as npm pack names it (telephony-config-<version>.tgz). */
  tarball: string;
  /** What npm pack says it put in: paths inside the package. */
  files: string[];
  /** How long npm pack took, prepack's build included, in seconds. */
  seconds: number;
}

/**
 * The package as `npm pack` makes it from this working tree, into `dir`. It packs a copy: prepack
 * deletes dist/ and builds it again, which in the repository would pull the build out from under
 * every other test running meanwhile.
 */
export async function packRepository(dir: string): Promise<Packed> {
  const copy = mkdtempSync(join(tmpdir(), "telephony-pack-"));
  try {
    cpSync(REPO, copy, {
      recursive: true,
      filter: (src) => {
        const path = relative(REPO, src);
        const parts = path === "" ? [] : path.split(sep);
        return !parts.some((part) => notSources.has(part)) && parts[0] !== "dist";
      },
    });
    symlinkSync(join(REPO, "node_modules"), join(copy, "node_modules"));
    const started = performance.now();
    const { stdout } = await promisify(execFile)("npm", ["pack", "--json", "--pack-destination", dir], {
      cwd: copy,
      maxBuffer: 64 << 20,
    }).catch((err: Error & { stdout?: string }) => {
      // tsc says what failed on stdout.
      throw new Error(`npm pack failed: ${err.message}\n${err.stdout ?? ""}`, { cause: err });
    });
    const seconds = (performance.now() - started) / 1000;
    // prepack's output comes first on stdout; the JSON report is the last thing printed.
    const report = JSON.parse(stdout.slice(stdout.lastIndexOf("\n[") + 1)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const tarball = join(dir, basename(report[0]!.filename));
    return { tarball, files: report[0]!.files.map((file) => file.path), seconds };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/**
 * Removes what `npx --package <tarball>` left in npm's cache (`<cache>/_npx/<hash>`, a full install of
 * the package's dependencies) for a tarball under `dir`: only entries whose package.json names it.
 */
export function forgetNpxInstall(cache: string, dir: string): void {
  const npx = join(cache, "_npx");
  let entries: string[];
  try {
    entries = readdirSync(npx);
  } catch {
    return;
  }
  for (const entry of entries) {
    let manifest: string;
    try {
      manifest = readFileSync(join(npx, entry, "package.json"), "utf8");
    } catch {
      continue;
    }
    const specs = Object.values((JSON.parse(manifest) as { dependencies?: Record<string, string> }).dependencies ?? {});
    const names = specs.some(
      (spec) => spec.startsWith("file:") && join(npx, entry, spec.slice("file:".length)).startsWith(dir + sep),
    );
    if (names) rmSync(join(npx, entry), { recursive: true, force: true });
  }
}
