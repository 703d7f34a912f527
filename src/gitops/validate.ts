import type { Declaration, Problem } from "../declarations/declaration.js";
import { loadDeclarations } from "../declarations/load.js";
import { referenceState } from "../declarations/parse.js";

export interface Validation {
  declarations: Declaration[];
  problems: Problem[];
  valid: boolean;
}

/**
 * Checks declarations without the API or Pulumi. A `${env:…}` reference to an unset variable is a
 * warning here (pull-request CI rarely has the secrets); `${secret:…}` is left to the stack. Adds
 * warnings for what is legal but suspicious.
 */
export function validateDeclarations(paths: string[], env: Record<string, string | undefined>): Validation {
  const { declarations, problems } = loadDeclarations(paths, {
    isSet: (ref) => (ref.kind === "env" ? referenceState(env[ref.name]) : "set"),
    unsetReference: "warning",
  });
  const warn = (d: Declaration, message: string) =>
    problems.push({ file: d.file, line: d.line, col: 3, severity: "warning", message: `configurations.${d.key}: ${message}` });

  const byNameAndProvider = new Map<string, Declaration>();
  for (const d of declarations) {
    const nameAndProvider = `${d.provider}\u0000${d.name}`;
    const sameName = byNameAndProvider.get(nameAndProvider);
    if (sameName) warn(d, `same name ${JSON.stringify(d.name)} and provider ${d.provider} as ${sameName.key} (${sameName.file}:${sameName.line}); drift matches by name`);
    else byNameAndProvider.set(nameAndProvider, d);
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  return { declarations, problems, valid: !problems.some((p) => p.severity === "error") };
}
