// How the declarations' problems are said: in the user's terms, at the line that holds the value, and
// never with a secret's value.
import type { ErrorObject } from "ajv";
import { isScalar } from "yaml";
import { declarationsSchema, DECLARED_FIELDS, SECRET_INPUTS, TEMPLATE_FIELDS } from "../model/index.js";
import { PATTERNED_FIELDS } from "../model/schema.js";
import type { ReferenceState, SecretReference } from "./declaration.js";
import type { Located, Locator } from "./locate.js";
import { closest } from "./suggest.js";

// What a field, a reference kind or an x- fragment may be called; anything else is not repeated, unless it is close to one
// (no digits: a token or a hex id has them, a field name does not).
const FIELD_NAME = /^[A-Za-z][A-Za-z_.$-]{0,39}$/;

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
    const meant = closest(extra, allowedKeys(path));
    // A key that is no field name may be a value typed into it (`apiKey= sk_live_…` in a flow mapping): not repeated.
    if (!meant && !FIELD_NAME.test(extra))
      return {
        at: key.node ? key : locator.value(path),
        message: `${dotted(path)}: an unknown field whose name is not a field name (a value typed into the key? it is not repeated here)`,
      };
    const hint = meant
      ? ` (did you mean ${JSON.stringify(meant)}?)`
      : path.length
        ? ""
        : " (fragments go under keys that start with x-)";
    return { at: key.node ? key : locator.value(path), message: `${dotted([...path, extra])}: unknown field${hint}` };
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
  const written = isScalar(at.node) && typeof at.node.value === "string" ? at.node.value : undefined;
  const secretField = (SECRET_INPUTS as readonly string[]).includes(field);
  const message =
    (e.keyword === "pattern" && secretField && written !== undefined && notASecretReference(written)) ||
    (e.keyword === "pattern" && PATTERN_MEANING[field] ? PATTERN_MEANING[field] : (e.message ?? "is invalid"));
  const value = resolved.get(e.instancePath);
  const plain = TEMPLATE_FIELDS.includes(field) || path[2] === "meta" || secretField;
  const template = !plain && written?.includes("${");
  const why =
    value !== undefined
      ? `, and resolves to ${JSON.stringify(value)}`
      : template
        ? ` (\${…} is resolved in plain string fields only: ${TEMPLATE_FIELDS.join(", ")} and meta values)`
        : "";
  return { at, message: `${dotted(path)}: ${message}${why}` };
}

/**
 * The keys the declarations' schema allows in the mapping at `path`, with the API's names of the
 * declared fields that have another name there (`api_key` is `apiKey` in a declaration).
 */
function allowedKeys(path: string[]): Array<string | [string, string]> {
  let schema = definition(SCHEMA);
  for (const part of path) schema = definition(schema?.properties?.[part] ?? schema?.additionalProperties);
  const keys = Object.keys(schema?.properties ?? {});
  const apiNames = DECLARED_FIELDS.filter((f) => f.api !== f.name && keys.includes(f.name)).map(
    (f): [string, string] => [f.api, f.name],
  );
  return [...keys, ...apiNames];
}

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
}
const SCHEMA = declarationsSchema() as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };
/** A schema, or the definition it refers to (ajv's schemaPath starts again at a $ref, so it cannot be followed). */
const definition = (schema: SchemaNode | boolean | undefined): SchemaNode | undefined =>
  typeof schema !== "object" ? undefined : schema.$ref ? SCHEMA.$defs[schema.$ref.replace("#/$defs/", "")] : schema;

const SECRET_KINDS = ["env", "secret"];
const SECRET_FORMS = "${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)";

/**
 * What is wrong with a secret field's value written as a reference of another kind (`${vault:x}`,
 * `${config:x}`, `${stack}`), or undefined for any other value: that may be a literal secret, and is
 * never repeated.
 */
function notASecretReference(value: string): string | undefined {
  const match = /^\$\{([A-Za-z][A-Za-z0-9_-]*)(?::([A-Za-z_][A-Za-z0-9_.-]*))?\}$/.exec(value);
  if (!match) return undefined;
  const [, kind, name] = match as unknown as [string, string, string | undefined];
  if (SECRET_KINDS.includes(kind)) return undefined;
  if ((kind === "config" && name !== undefined) || (kind === "stack" && name === undefined))
    return `${value} is for plain fields; a secret is ${SECRET_FORMS}`;
  // A word in ${…} is no reference kind here: it may be the secret itself, wrapped. Not repeated.
  if (name === undefined) return `not a secret reference: a secret is ${SECRET_FORMS}`;
  // In a secret field, what follows the kind may be the secret (`${keyId:secret}` pasted): never repeated;
  // nor a kind that is no word.
  const meant = closest(kind, SECRET_KINDS);
  if (meant) return `unknown reference kind ${JSON.stringify(kind)} (did you mean \${${meant}:…}?)`;
  if (!/^[A-Za-z]{1,16}$/.test(kind)) return `not a secret reference: a secret is ${SECRET_FORMS}`;
  return `unknown reference kind ${JSON.stringify(kind)}: a secret is ${SECRET_FORMS}`;
}
