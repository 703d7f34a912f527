import type { Declaration, Problem } from "../declarations/declaration.js";
import { loadDeclarations } from "../declarations/load.js";
import { referenceState } from "../declarations/parse.js";
import { projectValue, stackValues, type StackInfo } from "./stack.js";

export interface Validation {
  declarations: Declaration[];
  problems: Problem[];
  valid: boolean;
}

/**
 * Checks declarations without the API. Without a stack, a `${env:…}` reference to an unset variable
 * and every `${config:…}` and `${stack}` are warnings (pull-request CI rarely has the secrets);
 * `${secret:…}` is left to the stack. With a stack, everything is resolved exactly as its program
 * resolves it, and what is not is an error. Adds warnings for what is legal but suspicious.
 */
export function validateDeclarations(
  paths: string[],
  env: Record<string, string | undefined>,
  stack?: StackInfo,
): Validation {
  const { declarations, problems } = loadDeclarations(paths, {
    isSet: (ref) =>
      ref.kind === "env"
        ? referenceState(env[ref.name])
        : stack
          ? referenceState(projectValue(stack, ref.name), {
              plainText: !stack.secretKeys.has(`${stack.project}:${ref.name}`),
            })
          : "set",
    unsetReference: stack ? "error" : "warning",
    stack: stack && stackValues(stack),
    unresolved: stack ? "error" : "warning",
  });
  const warn = (d: Declaration, message: string) =>
    problems.push({
      file: d.file,
      line: d.line,
      col: 3,
      severity: "warning",
      message: `configurations.${d.key}: ${message}`,
    });

  const byNameAndProvider = new Map<string, Declaration>();
  for (const d of declarations) {
    const nameAndProvider = `${d.provider}\u0000${d.name}`;
    const sameName = byNameAndProvider.get(nameAndProvider);
    if (sameName)
      warn(
        d,
        `same name ${JSON.stringify(d.name)} and provider ${d.provider} as ${sameName.key} (${sameName.file}:${sameName.line}); drift matches by name`,
      );
    else byNameAndProvider.set(nameAndProvider, d);
  }
  // One id, one holder: an import of what another resource of the stack holds. Under the declaration's
  // own key or a former key, it is the same resource.
  const named = new Set(declarations.flatMap((d) => [d.key, ...d.formerKeys]));
  for (const [key, id] of stack?.stateIds ?? []) {
    for (const d of declarations) {
      if (d.importId !== id || d.key === key || d.formerKeys.includes(key)) continue;
      const rename = named.has(key) ? "" : ` (renamed from ${key}? declare formerKeys: [${key}] instead of import)`;
      const message = `configurations.${d.key}: import ${id} is held by ${key} in the stack's state; two resources would manage one configuration${rename}`;
      problems.push({ file: d.file, line: d.line, col: 3, severity: "error", message });
    }
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  return { declarations, problems, valid: !problems.some((p) => p.severity === "error") };
}
