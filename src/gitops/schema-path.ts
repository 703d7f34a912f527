// Where a written declarations file points editors for its format (`# yaml-language-server: $schema=…`):
// a path relative to the file's own directory that resolves in the user's repository.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";

const SCHEMA = "schemas/provider-configurations.schema.json";
/** Where `npm install telephony-config` puts the schema, from the project's directory (init's `$schema` line too). */
const INSTALLED = join("node_modules", "telephony-config", SCHEMA);

/** The directories from `dir` up to the root, nearest first. */
function upFrom(dir: string): string[] {
  const dirs: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    dirs.push(d);
    if (dirname(d) === d) return dirs;
  }
}

/** Forward slashes whatever the platform: the line is read by editors, and committed. */
const asUrlPath = (path: string) => path.split(sep).join("/");

/**
 * The `$schema` for a file written in `dir`: the package's schema in the project's node_modules (found
 * as Node finds packages, from `dir` up), as `init` writes it; in a checkout of this package itself, its
 * own schemas/; otherwise where `npm install telephony-config` will put it, in the nearest directory
 * with a package.json (or `dir`).
 */
export function schemaPathFor(dir: string, packageRoot: string = ownPackageRoot()): string {
  const dirs = upFrom(dir);
  const installed = dirs.map((d) => join(d, INSTALLED)).find((path) => existsSync(path));
  if (installed) return asUrlPath(relative(dir, installed));
  const own = join(packageRoot, SCHEMA);
  if (dirs.includes(resolve(packageRoot)) && existsSync(own)) return asUrlPath(relative(dir, own));
  const project = dirs.find((d) => existsSync(join(d, "package.json"))) ?? resolve(dir);
  return asUrlPath(relative(dir, join(project, INSTALLED)));
}

/** The directory of the package that runs: by self-reference, the same from src/ (tests) and dist/src/. */
const ownPackageRoot = (): string => dirname(createRequire(import.meta.url).resolve("telephony-config/package.json"));
