import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { configurationKey } from "../model/index.js";
import type { Declaration, Problem } from "./declaration.js";
import { parseDeclarations, type ParseOptions, type ParseResult } from "./parse.js";

/** The YAML files behind the given paths: a file as is, a directory's *.yaml and *.yml, sorted. */
export function declarationFiles(paths: string[]): { files: string[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      problems.push({ file: path, line: 1, col: 1, severity: "error", message: "no such file or directory" });
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const found = readdirSync(path)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(path, f));
    if (!found.length)
      problems.push({ file: path, line: 1, col: 1, severity: "error", message: "no *.yaml files in this directory" });
    files.push(...found);
  }
  // A file named twice (a folder and a file in it, say) is read once.
  return { files: [...new Map(files.map((f) => [resolve(f), f])).values()], problems };
}

/** Never quoted: its value would be shown in every message about a path. */
export const DECLARATIONS_NOT_SECRET =
  "telephony:declarations is set as a secret; paths are not secret: pulumi config set telephony:declarations PATH (without --secret)";

/**
 * The paths that stack config `telephony:declarations` names: one path, or a list of them (Pulumi
 * hands a list over as JSON); unset, ./telephony.
 */
export function configuredPaths(value: string | undefined): string[] {
  if (value === undefined || value.trim() === "") return ["telephony"];
  if (!value.trim().startsWith("[")) return [value];
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || !list.length || !list.every((p) => typeof p === "string" && p.trim() !== "")) {
    // Not quoted: a value set with --secret by mistake must not be shown.
    throw new Error(
      "telephony:declarations must be a path or a non-empty list of paths (pulumi config set --path 'telephony:declarations[0]' PATH)",
    );
  }
  return list as string[];
}

/**
 * Reads and validates every declaration behind `paths`. A key declared twice is an error, and so are
 * an import id declared twice, two declarations of exactly the same configuration (two resources would
 * manage one configuration) and a former key that is still, or also, someone's key.
 */
export function loadDeclarations(paths: string[], options: ParseOptions): ParseResult {
  const { files, problems } = declarationFiles(paths);
  const declarations: Declaration[] = [];
  const seen = new Map<string, Declaration>();
  const imports = new Map<number, Declaration>();
  for (const file of files) {
    const result = parseDeclarations(readFileSync(file, "utf8"), file, options);
    problems.push(...result.problems);
    for (const d of result.declarations) {
      const first = seen.get(d.key);
      if (first) {
        problems.push({
          file,
          line: d.line,
          col: 3,
          severity: "error",
          message: `configurations.${d.key}: declared again (first in ${first.file}:${first.line})`,
        });
        continue;
      }
      seen.set(d.key, d);
      declarations.push(d);
      if (d.importId === undefined) continue;
      const sameImport = imports.get(d.importId);
      if (sameImport) {
        problems.push({
          file,
          line: d.line,
          col: 3,
          severity: "error",
          message: `configurations.${d.key}: import ${d.importId} is also declared by ${sameImport.key} (${sameImport.file}:${sameImport.line}); two resources would manage one configuration`,
        });
      } else imports.set(d.importId, d);
    }
  }
  const error = (d: Declaration, message: string) =>
    problems.push({
      file: d.file,
      line: d.line,
      col: 3,
      severity: "error",
      message: `configurations.${d.key}: ${message}`,
    });
  const formerly = new Map<string, Declaration>();
  const identical = new Map<string, Declaration>();
  for (const d of declarations) {
    for (const former of d.formerKeys) {
      const current = seen.get(former);
      const other = formerly.get(former);
      if (current)
        error(
          d,
          `former key ${former} is the key of ${current === d ? "this very declaration" : `another one (${current.file}:${current.line})`}`,
        );
      else if (other)
        error(d, `former key ${former} is also a former key of ${other.key} (${other.file}:${other.line})`);
      else formerly.set(former, d);
    }
    // What it makes live, whatever its key, file or options: equal for two that would be twins.
    const fingerprint = configurationKey(d);
    const twin = identical.get(fingerprint);
    if (twin)
      error(
        d,
        `declares exactly the same configuration as ${twin.key} (${twin.file}:${twin.line}); give one of them another name`,
      );
    else identical.set(fingerprint, d);
  }
  return { declarations, problems };
}
