// What `validate` prints: each real problem at its place, and what only a stack resolves counted per
// kind of reference, one line each, rather than once per use (a pull-request check reads it). Pure.
import { formatProblem, type Problem } from "../declarations/declaration.js";
import type { Unresolved, Validation } from "./validate.js";

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** One line per kind of reference left unresolved: its count, what it names and what resolves it. */
export function unresolvedLines(unresolved: Unresolved[]): string[] {
  const of = (kind: Unresolved["kind"]) => unresolved.find((u) => u.kind === kind);
  const lines: string[] = [];
  const config = of("config");
  const stack = of("stack");
  if (config || stack) {
    const parts = [
      ...(config ? [`${plural(config.uses, "${config:…} reference")} (${config.names.join(", ")})`] : []),
      ...(stack ? [`${stack.uses} \${stack}`] : []),
    ];
    const uses = (config?.uses ?? 0) + (stack?.uses ?? 0);
    lines.push(
      `${parts.join(" and ")} ${uses === 1 ? "is" : "are"} resolved only with --stack NAME (as the stack's program resolves them)`,
    );
  }
  const env = of("env");
  if (env) {
    const one = env.names.length === 1;
    lines.push(
      `${plural(env.uses, "${env:…} reference")} to ${one ? "a variable" : "variables"} without a value here (${env.names.join(", ")}): ` +
        `set ${one ? "it" : "them"} where pulumi up runs`,
    );
  }
  return lines;
}

/** `validate`'s text: problems as `file:line:col: severity: message`, the unresolved counted, a last line. */
export function renderValidation(result: Validation, { strict = false } = {}): string {
  const severity: Problem["severity"] = strict ? "error" : "warning";
  const listed = result.problems.filter((p) => !result.grouped.has(p));
  const counted = unresolvedLines(result.unresolved);
  const lines = [...listed.map((p) => formatProblem(p, true)), ...counted.map((text) => `${severity}: ${text}`)];
  const errors = listed.filter((p) => p.severity === "error").length + (strict ? counted.length : 0);
  const warnings = listed.length + counted.length - errors;
  lines.push(
    result.valid
      ? `valid: ${plural(result.declarations.length, "configuration")}, ${plural(warnings, "warning")}`
      : `invalid: ${plural(errors, "error")}${strict ? " (--strict: warnings are errors)" : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * `validate --json`: `valid` and every problem as before (one per use; an unresolved reference's says
 * which kind it is), and the unresolved references counted per kind.
 */
export function validationJson(result: Validation, { strict = false } = {}): object {
  return {
    valid: result.valid,
    strict,
    configurations: result.declarations.length,
    problems: result.problems.map((p) => {
      const kind = result.grouped.get(p);
      return kind ? { ...p, reference: kind } : p;
    }),
    unresolved: result.unresolved,
  };
}
