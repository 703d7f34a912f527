// The JSON Schemas under schemas/, made from the field table: scripts/generate-schemas.ts writes them,
// and test/unit/generated-files.test.ts fails when the committed files differ. Pure.
import { DECLARED_FIELDS as DECLARED, FIELDS as ALL, type Field } from "./configuration.js";

type Schema = Record<string, unknown>;

const DECLARED_FIELDS: readonly Field[] = DECLARED;
const FIELDS: readonly Field[] = ALL;
const DRAFT = "https://json-schema.org/draft/2020-12/schema";
export const SCHEMA_BASE = "https://telephony-config.dev/schemas/";

/** `${env:NAME}` or `${secret:KEY}`: where a secret's value comes from, never the value itself. */
export const SECRET_REFERENCE_PATTERN = "^\\$\\{(env|secret):[A-Za-z_][A-Za-z0-9_.-]*\\}$";
/** A declaration's key, and any former key. */
const KEY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
/** A plain string field may start with `${config:KEY}` or `${stack}`: checked once resolved. */
const TEMPLATE_START = "\\$\\{(config:[A-Za-z_][A-Za-z0-9_.-]*|stack)\\}[^\\s]*";

/** The plain string fields that may hold `${config:…}` and `${stack}`. */
export const TEMPLATE_FIELDS: readonly string[] = DECLARED_FIELDS.filter((f) => f.kind === "string" && !f.secret).map(
  (f) => f.name,
);

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const rule = (field: Field, keyword: string): unknown => field.rules?.[keyword];

/** A declared (resolved) value of a field, as JSON Schema. */
function valueSchema(field: Field): Schema {
  if (field.kind === "meta") return { type: "object", additionalProperties: { type: "string" }, ...field.rules };
  return { type: field.kind, ...field.rules };
}

/** A field with a pattern, as a declaration may write it: the value, or a template that starts with a reference. */
function templateSchema(field: Field): Schema {
  const pattern = String(rule(field, "pattern")).replace(/^\^/, "").replace(/\$$/, "");
  const description = String(rule(field, "description")).replace(/\.$/, "");
  return {
    type: "string",
    pattern: `^(${pattern}|${TEMPLATE_START})$`,
    description: `${description}, or a value that starts with \${config:KEY} or \${stack}: checked once resolved for the stack.`,
  };
}

const templated = (field: Field) => rule(field, "pattern") !== undefined;

function declarationProperty(field: Field): Schema {
  if (field.secret) return ref("secretReference");
  if (templated(field)) return ref(`${field.name}Template`);
  return { ...ref(field.name), ...(field.declaredDescription ? { description: field.declaredDescription } : {}) };
}

function declarationDefinitions(): Schema {
  const definitions: Schema = {};
  for (const field of DECLARED_FIELDS) if (!field.secret) definitions[field.name] = valueSchema(field);
  definitions.secretReference = {
    type: "string",
    pattern: SECRET_REFERENCE_PATTERN,
    description:
      "A reference, never the value: ${env:NAME} (environment variable) or ${secret:KEY} (stack secret config).",
  };
  for (const field of DECLARED_FIELDS.filter(templated)) definitions[`${field.name}Template`] = templateSchema(field);
  definitions.importId = {
    type: "integer",
    minimum: 1,
    description: "Adopt the existing configuration with this id instead of creating one.",
  };
  return definitions;
}

/** schemas/provider-configurations.schema.json: the declarations' format, and the resource's inputs. */
export function declarationsSchema(): Schema {
  const declaration = Object.fromEntries(DECLARED_FIELDS.map((f) => [f.name, declarationProperty(f)]));
  const resourceArgs = Object.fromEntries(
    DECLARED_FIELDS.map((f) => [f.name, f.secret ? { type: "string", ...f.rules } : ref(f.name)]),
  );
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE}provider-configurations.schema.json`,
    title: "Telephony provider configurations",
    description: `Declarations of telephony provider configurations, managed by Pulumi (ProviderConfiguration). A file may hold several documents (---). Plain string fields (${TEMPLATE_FIELDS.join(", ")}, meta values) may use \${config:KEY} (the stack's project config) and \${stack} (its name); $\${ is a literal \${. Add \`# yaml-language-server: $schema=<path to this file>\` to a YAML file for completion in editors.`,
    type: "object",
    additionalProperties: false,
    required: ["configurations"],
    patternProperties: {
      "^x-": {
        description:
          "A fragment to reuse with YAML anchors and merge keys (x-defaults: &defaults {…}, then <<: *defaults); otherwise ignored.",
      },
    },
    properties: {
      configurations: {
        description: "Configurations by logical key; the key is the stable Pulumi resource name.",
        type: "object",
        propertyNames: { pattern: KEY_PATTERN },
        additionalProperties: ref("declaration"),
      },
    },
    $defs: {
      declaration: {
        description: "One configuration as declared in YAML: secrets only as references.",
        type: "object",
        additionalProperties: false,
        required: DECLARED_FIELDS.filter((f) => f.required && !f.keyDefault).map((f) => f.name),
        properties: {
          ...declaration,
          import: ref("importId"),
          protect: {
            type: "boolean",
            description: "Refuse to delete or replace this configuration (Pulumi's protect option).",
          },
          formerKeys: {
            type: "array",
            uniqueItems: true,
            items: { type: "string", pattern: KEY_PATTERN },
            description:
              "Keys this configuration was declared under before: renaming a key keeps the same resource and configuration (Pulumi aliases) instead of creating one and deleting the other.",
          },
        },
      },
      resourceArgs: {
        description:
          "The inputs of the ProviderConfiguration resource, after secret references are resolved; its check validates these.",
        type: "object",
        additionalProperties: false,
        required: DECLARED_FIELDS.filter((f) => f.required).map((f) => f.name),
        properties: {
          ...resourceArgs,
          importId: ref("importId"),
          owner: {
            type: "object",
            description:
              "Set by the resource itself: the stack (project/stack) and resource key its creates mark a configuration with.",
            additionalProperties: false,
            required: ["stack", "resource"],
            properties: {
              stack: { type: "string", minLength: 1 },
              resource: { type: "string", minLength: 1 },
              formerly: {
                type: "array",
                items: { type: "string" },
                description: "Names the resource had before (its aliases).",
              },
              host: {
                const: "native",
                description: "Set for the native plugin's resource, whose creates' marks say so.",
              },
            },
          },
        },
      },
      ...declarationDefinitions(),
    },
  };
}

const PROVIDER_DETAILS: Schema = {
  type: ["object", "null"],
  properties: {
    id: { type: "integer" },
    name: { type: "string" },
    description: { type: "string" },
    icon: { type: "string" },
  },
};

/** A field in a configuration the API answers with. */
function answerSchema(field: Field): Schema {
  if (field.kind === "meta") return ref("metaJson");
  if (field.kind === "providerDetails") return PROVIDER_DETAILS;
  return { type: field.nullable ? [field.kind, "null"] : field.kind };
}

/** A field in a create or PATCH body: the API's rule. */
const requestSchema = (field: Field): Schema =>
  field.kind === "meta" ? { $ref: "configuration.schema.json#/$defs/metaJson" } : { ...field.request };

/** schemas/api/configuration.schema.json: a configuration as the API returns it. */
export function configurationSchema(): Schema {
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE}api/configuration.schema.json`,
    title: "Provider configuration (as the API returns it)",
    type: "object",
    required: ["id", ...FIELDS.filter((f) => !f.optionalInAnswer).map((f) => f.api)],
    properties: {
      id: { type: "integer" },
      ...Object.fromEntries(FIELDS.map((f) => [f.api, answerSchema(f)])),
    },
    $defs: {
      metaJson: {
        type: "array",
        items: {
          type: "object",
          required: ["meta_key", "meta_value"],
          additionalProperties: false,
          properties: {
            meta_key: { type: "string", minLength: 1 },
            meta_value: { type: "string" },
          },
        },
      },
    },
  };
}

/** schemas/api/create-request.schema.json: the body of a POST. */
export function createRequestSchema(): Schema {
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE}api/create-request.schema.json`,
    title: "Body of POST /providers-configurations/",
    type: "object",
    additionalProperties: false,
    required: DECLARED_FIELDS.filter((f) => f.required).map((f) => f.api),
    properties: Object.fromEntries(DECLARED_FIELDS.map((f) => [f.api, requestSchema(f)])),
  };
}

/** schemas/api/update-request.schema.json: the body of a PATCH. */
export function updateRequestSchema(): Schema {
  return {
    $schema: DRAFT,
    $id: `${SCHEMA_BASE}api/update-request.schema.json`,
    title: "Body of PATCH /providers-configurations/{id}/: only the fields writable on PATCH",
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(DECLARED_FIELDS.filter((f) => f.patchable).map((f) => [f.api, requestSchema(f)])),
  };
}

/** Each generated file, by its path in the package: one line of JSON, for Prettier to lay out. */
export function generatedSchemaFiles(): Record<string, string> {
  const text = (schema: Schema) => `${JSON.stringify(schema)}\n`;
  return {
    "schemas/provider-configurations.schema.json": text(declarationsSchema()),
    "schemas/api/configuration.schema.json": text(configurationSchema()),
    "schemas/api/create-request.schema.json": text(createRequestSchema()),
    "schemas/api/update-request.schema.json": text(updateRequestSchema()),
  };
}
