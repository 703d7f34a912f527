import type { Declaration, Problem } from "../declarations/declaration.js";
import { loadDeclarations } from "../declarations/load.js";
import { referenceState, type ParseOptions } from "../declarations/parse.js";
import { projectValue, stackValues, type StackInfo } from "./stack.js";

/** A kind of reference that only a stack resolves: `${config:…}`, `${stack}`, or `${env:…}` without a value here. */
export type UnresolvedKind = "config" | "stack" | "env";

/** The uses of one kind of reference that could not be resolved here, counted rather than listed. */
export interface Unresolved {
  kind: UnresolvedKind;
  /** How many fields use it (a merged fragment counts once per configuration it is merged into). */
  uses: number;
  /** The config keys or variables named, sorted; none for `${stack}`. */
  names: string[];
}

export interface Validation {
  declarations: Declaration[];
  /** Every problem, one per use: the unresolved ones too (`grouped` tells them apart). */
  problems: Problem[];
  /** The problems that are only references this run cannot resolve (counted in `unresolved`), and their kind. */
  grouped: ReadonlyMap<Problem, UnresolvedKind>;
  /** Without a stack: the references left for the stack to resolve, one entry per kind. */
  unresolved: Unresolved[];
  valid: boolean;
}

export interface ValidateOptions {
  /** Warnings are errors (`--strict`): for a check that must not pass with anything left unresolved. */
  strict?: boolean;
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
  { strict = false }: ValidateOptions = {},
): Validation {
  const options = (unresolved: "error" | "warning"): ParseOptions => ({
    isSet: (ref) =>
      ref.kind === "env"
        ? referenceState(env[ref.name])
        : stack
          ? referenceState(projectValue(stack, ref.name), {
              plainText: !stack.secretKeys.has(`${stack.project}:${ref.name}`),
            })
          : "set",
    unsetReference: stack ? "error" : unresolved,
    stack: stack && stackValues(stack),
    unresolved: stack ? "error" : unresolved,
  });
  const { declarations, problems } = loadDeclarations(paths, options("warning"));
  // Which warnings are only what this run cannot resolve: exactly those an unforgiving read makes errors.
  // Read twice rather than told apart by their wording, which says what to do and may change.
  const grouped = new Map<Problem, UnresolvedKind>();
  const unresolved = new Map<UnresolvedKind, { uses: number; names: Set<string> }>();
  if (!stack) {
    const asErrors = new Set(
      loadDeclarations(paths, options("error"))
        .problems.filter((p) => p.severity === "error")
        .map(problemKey),
    );
    for (const p of problems) {
      const ref = p.severity === "warning" && asErrors.has(problemKey(p)) ? referenceIn(p.message) : undefined;
      if (!ref) continue;
      grouped.set(p, ref.kind);
      const entry = unresolved.get(ref.kind) ?? { uses: 0, names: new Set<string>() };
      entry.uses++;
      if (ref.name !== undefined) entry.names.add(ref.name);
      unresolved.set(ref.kind, entry);
    }
  }
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
  if (strict) for (const p of problems) p.severity = "error";
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  return {
    declarations,
    problems,
    grouped,
    unresolved: (["config", "stack", "env"] as const).flatMap((kind) => {
      const entry = unresolved.get(kind);
      return entry ? [{ kind, uses: entry.uses, names: [...entry.names].sort() }] : [];
    }),
    valid: !problems.some((p) => p.severity === "error"),
  };
}

const problemKey = (p: Problem) => JSON.stringify([p.file, p.line, p.col, p.message]);

// The reference a problem is about: the last one its message names (the field's path comes first, and
// a meta key may hold anything).
const REFERENCE = /\$\{(?:(env):([A-Za-z_][A-Za-z0-9_.-]*)|(stack)|(config):([A-Za-z_][A-Za-z0-9_.-]*))\}/g;
function referenceIn(message: string): { kind: UnresolvedKind; name?: string } | undefined {
  const last = [...message.matchAll(REFERENCE)].at(-1);
  if (!last) return undefined;
  if (last[1]) return { kind: "env", name: last[2]! };
  if (last[3]) return { kind: "stack" };
  return { kind: "config", name: last[5]! };
}
