// Per-stack values in plain string fields: `${config:KEY}` (a non-secret value of the stack's project
// config) and `${stack}` (the stack's name), alone or within a string; `$${` is a literal `${`.
// Pure: a template and the stack's values in, the value or what stands in its way out.
import { SECRET_INPUTS } from "../model/index.js";
import { closest } from "./suggest.js";

const SECRET_FIELDS = SECRET_INPUTS.join(" or ");

/** What a stack holds under a project config key. */
export type ConfigValue = { kind: "plain"; value: string } | { kind: "secret" } | { kind: "unset" };

/** The stack a declaration is resolved for. */
export interface StackValues {
  name: string;
  config(key: string): ConfigValue;
}

/**
 * A stack's values as both its program and the CLI read them: `${config:KEY}` is the project's key,
 * `get` and `isSecret` take fully qualified keys.
 */
export function projectStackValues(
  name: string,
  project: string,
  get: (key: string) => string | undefined,
  isSecret: (key: string) => boolean,
): StackValues {
  return {
    name,
    config(key) {
      const full = `${project}:${key}`;
      const value = get(full);
      if (value === undefined) return { kind: "unset" };
      return isSecret(full) ? { kind: "secret" } : { kind: "plain", value };
    },
  };
}

export interface InterpolationProblem {
  /** Index in the template where the reference starts. */
  index: number;
  message: string;
  /** Whether it is only unknown here (no stack to resolve it), rather than wrong. */
  unresolved: boolean;
}

export interface Interpolation {
  /** The value, or undefined when something could not be resolved. */
  value: string | undefined;
  problems: InterpolationProblem[];
}

/** Why a reference is none this field can resolve, and what was likely meant. */
function unknown(inner: string, reference: string): string {
  if (/^(env|secret):/.test(inner))
    return `${reference}: a secret reference goes only in ${SECRET_FIELDS}, as the whole value`;
  const kind = /^([A-Za-z][A-Za-z0-9_-]*):(.*)$/.exec(inner);
  if (kind && kind[1] !== "config") {
    const meant = closest(kind[1]!, ["config"]);
    if (meant)
      return `unknown reference kind ${JSON.stringify(kind[1])} in ${reference} (did you mean \${config:${kind[2]}}?)`;
    return `unknown reference kind ${JSON.stringify(kind[1])} in ${reference}: use \${config:KEY} or \${stack}, or \${env:NAME} or \${secret:KEY} as the whole value of ${SECRET_FIELDS}`;
  }
  if (!kind && closest(inner, ["stack"])) return `unknown reference ${reference} (did you mean \${stack}?)`;
  return `unknown reference ${reference}: use \${config:KEY} or \${stack}, or "$\${" for a literal "\${"`;
}

const CONFIG_KEY = /^config:([A-Za-z_][A-Za-z0-9_.-]*)$/;

/** Resolves the references in `template` for `stack`; without a stack, each reference is unresolved. */
export function interpolate(template: string, field: string, stack: StackValues | undefined): Interpolation {
  const problems: InterpolationProblem[] = [];
  let value = "";
  let i = 0;
  while (i < template.length) {
    const start = template.indexOf("$", i);
    if (start < 0) {
      value += template.slice(i);
      break;
    }
    value += template.slice(i, start);
    if (template.startsWith("$${", start)) {
      value += "${";
      i = start + 3;
      continue;
    }
    if (!template.startsWith("${", start)) {
      value += "$";
      i = start + 1;
      continue;
    }
    const end = template.indexOf("}", start + 2);
    if (end < 0) {
      problems.push({
        index: start,
        unresolved: false,
        message: `${field}: unterminated "\${" (write "$\${" for a literal "\${")`,
      });
      break;
    }
    const inner = template.slice(start + 2, end);
    const reference = template.slice(start, end + 1);
    i = end + 1;
    const resolved = resolve(inner, reference, field, stack);
    if (typeof resolved === "string") value += resolved;
    else problems.push({ index: start, ...resolved });
  }
  return { value: problems.length ? undefined : value, problems };
}

function resolve(
  inner: string,
  reference: string,
  field: string,
  stack: StackValues | undefined,
): string | Omit<InterpolationProblem, "index"> {
  const key = CONFIG_KEY.exec(inner)?.[1];
  if (inner !== "stack" && key === undefined)
    return { unresolved: false, message: `${field}: ${unknown(inner, reference)}` };
  if (!stack)
    return {
      unresolved: true,
      message: `${field}: ${reference} is resolved per stack: give --stack NAME to resolve it`,
    };
  if (key === undefined) return stack.name;
  const found = stack.config(key);
  if (found.kind === "plain") return found.value;
  return {
    unresolved: false,
    message:
      found.kind === "secret"
        ? `${field}: ${reference}: stack config ${key} is a secret, and ${field} is a plain field; a secret goes only in ${SECRET_FIELDS}, as \${secret:${key}}`
        : `${field}: ${reference}: stack ${stack.name} has no config ${key} (pulumi config set ${key} … --stack ${stack.name})`,
  };
}
