// How the declarations' problems are said: in the user's terms, at the line that holds the value, and
// never with a secret's value.
import type { ErrorObject } from "ajv";
import { isScalar } from "yaml";
import { SECRET_INPUTS, TEMPLATE_FIELDS } from "../model/index.js";
import { PATTERNED_FIELDS } from "../model/schema.js";
import type { ReferenceState, SecretReference } from "./declaration.js";
import type { Located, Locator } from "./locate.js";

/** What a field's pattern means: a secret's is that of a reference. */
export const PATTERN_MEANING: Record<string, string> = Object.fromEntries([
  ...SECRET_INPUTS.map((name) => [
    name,
    "must be a secret reference such as ${env:NAME} or ${secret:KEY}, not a literal value",
  ]),
  ...PATTERNED_FIELDS.map((f) => [f.name, f.message]),
]);

/** Why a reference in `field` cannot be used, in the user's terms, and what to do: never its value. */
export function unusable(ref: SecretReference, state: Exclude<ReferenceState, "set">, field: string): string {
  const what = ref.kind === "env" ? `environment variable ${ref.name}` : `stack config ${ref.name}`;
  const needed = `a declared secret needs a value (leave ${field} out to leave the live one alone)`;
  if (state === "empty") return `${what} is empty; ${needed}`;
  if (state === "blank") return `${what} is only whitespace; ${needed}`;
  if (state === "plain")
    return `${what} is not a secret, its value is in plain text in the stack's config file: pulumi config set --secret ${ref.name} …`;
  return ref.kind === "env" ? `${what} is not set` : `${what} is not set (pulumi config set --secret ${ref.name} …)`;
}

/**
 * A schema error as a problem: where it is written and what is wrong. `resolved` holds what the fields
 * that held references resolved to, by JSON pointer: said with their problems.
 */
export function schemaProblem(
  e: ErrorObject,
  locator: Locator,
  resolved: ReadonlyMap<string, string>,
): { at: Located; message: string } {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  const dotted = (parts: string[]) => parts.join(".") || "(document)";

  if (e.keyword === "additionalProperties") {
    const extra = String(e.params.additionalProperty);
    const key = locator.key([...path, extra]);
    return {
      at: key.node ? key : locator.value(path),
      message: `${dotted([...path, extra])}: unknown field${path.length ? "" : " (fragments go under keys that start with x-)"}`,
    };
  }
  if (e.keyword === "required") {
    return {
      at: locator.value(path),
      message: `${dotted(path)}: missing required field ${String(e.params.missingProperty)}`,
    };
  }
  if (e.keyword === "propertyNames") {
    return {
      at: locator.value(path),
      message: `${dotted(path)}: key ${JSON.stringify(e.params.propertyName)} must start with a letter or digit and use only letters, digits, '.', '_' and '-'`,
    };
  }
  const field = path.at(-1) ?? "";
  const at = locator.value(path);
  const message =
    e.keyword === "pattern" && PATTERN_MEANING[field] ? PATTERN_MEANING[field] : (e.message ?? "is invalid");
  const value = resolved.get(e.instancePath);
  const plain =
    TEMPLATE_FIELDS.includes(field) || path[2] === "meta" || (SECRET_INPUTS as readonly string[]).includes(field);
  const template = !plain && isScalar(at.node) && typeof at.node.value === "string" && at.node.value.includes("${");
  const why =
    value !== undefined
      ? `, and resolves to ${JSON.stringify(value)}`
      : template
        ? ` (\${…} is resolved in plain string fields only: ${TEMPLATE_FIELDS.join(", ")} and meta values)`
        : "";
  return { at, message: `${dotted(path)}: ${message}${why}` };
}
