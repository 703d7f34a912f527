// Which `telephony-config` dependency a new stack repository gets: the one this very copy of the package
// was installed with, where that is recorded. npx (`npx --package ./telephony-config-0.1.0.tgz
// telephony-config init`) installs into its cache, `…/_npx/<hash>/node_modules/telephony-config`, and
// records the spec in `…/_npx/<hash>/package.json`: `file:` and a path relative to that directory for
// a tarball, a range (`^0.1.0`) for a registry. A project's own install records it the same way, in the
// package.json beside its node_modules. Writing `^version` for a copy from a tarball sends the new
// project's npm install to a registry that has never heard of the package.
import { readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { packageName } from "../client/version.js";
import { packageRoot } from "./plugin.js";

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "optionalDependencies"] as const;

/** The spec `manifest` (a package.json's content) declares `name` with, in any dependency field. */
export function declaredSpec(manifest: unknown, name: string): string | undefined {
  if (typeof manifest !== "object" || manifest === null) return undefined;
  for (const field of DEPENDENCY_FIELDS) {
    const spec = (manifest as Record<string, unknown>)[field] as Record<string, unknown> | undefined;
    if (typeof spec?.[name] === "string") return spec[name];
  }
  return undefined;
}

/**
 * A spec recorded in the package.json of directory `from`, as the package.json of directory `to` must
 * spell it: a `file:` path relative to `from` is made relative to `to` (as `npm install <path>` writes
 * one); an absolute path and every other spec (a range, a tag, a git or tarball URL) mean the same from
 * anywhere.
 */
export function rebasedSpec(spec: string, from: string, to: string): string {
  if (!spec.startsWith("file:")) return spec;
  const path = spec.slice("file:".length);
  if (path.startsWith("//") || isAbsolute(path)) return spec;
  const target = relative(to, resolve(from, path));
  return `file:${target === "" ? "." : target}`;
}

/**
 * The spec the package at `packageRoot` (`<dir>/node_modules/<name>`) was installed with, as the
 * package.json of `projectDir` must spell it; undefined for a copy that is not in a node_modules (a
 * clone of the repository) or one no package.json beside that node_modules names.
 */
export function installedSpec(
  packageRoot: string,
  name: string,
  projectDir: string,
  readText: (path: string) => string | undefined = readOrUndefined,
): string | undefined {
  const modules = dirname(packageRoot);
  if (basename(packageRoot) !== name || basename(modules) !== "node_modules") return undefined;
  const installer = dirname(modules);
  const text = readText(resolve(installer, "package.json"));
  if (text === undefined) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  const spec = declaredSpec(manifest, name);
  return spec === undefined ? undefined : rebasedSpec(spec, installer, projectDir);
}

/** How a project in `projectDir` depends on this very copy of the package, where it can tell (above). */
export const specOfThisCopy = (projectDir: string): string | undefined =>
  installedSpec(packageRoot, packageName, projectDir);

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
