// The declarations' format and the resource's inputs, checked with the JSON Schema the field table
// generates (json-schemas.ts): compiled from the table itself, the same document as the committed file.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { DECLARED_FIELDS as DECLARED, type Field } from "./configuration.js";
import { declarationsSchema } from "./json-schemas.js";

const document = declarationsSchema();
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addSchema(document);

const definition = (name: string): ValidateFunction => {
  const validate = ajv.getSchema(`${String(document.$id)}#/$defs/${name}`);
  if (!validate) throw new Error(`provider-configurations.schema.json has no definition ${name}`);
  return validate;
};

/** A declarations document (one YAML document, as JSON). */
export const validateDeclarationsFile = ajv.getSchema(String(document.$id))!;
/** The resource's inputs, secrets resolved: what its check accepts. */
export const validateResourceArgs = definition("resourceArgs");

/** A field that must match a pattern, with the message that says what the pattern means. */
export interface PatternedField {
  name: string;
  message: string;
  /** Whether a resolved value (a template once resolved) holds. */
  validate: ValidateFunction;
}

export const PATTERNED_FIELDS: readonly PatternedField[] = (DECLARED as readonly Field[])
  .filter((f) => f.patternMessage !== undefined)
  .map((f) => ({ name: f.name, message: f.patternMessage!, validate: definition(f.name) }));
