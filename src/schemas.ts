import { createRequire } from "node:module";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { CreateConfigurationInput, ProviderConfiguration, UpdateConfigurationInput } from "./client/contract.js";

// Loaded by package name so that src/ (tests) and dist/src/ (build) find the same files.
const require = createRequire(import.meta.url);
const load = (name: string): object => require(`telephony-config/schemas/${name}`) as object;

const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const name of [
  "api/configuration.schema.json",
  "api/create-request.schema.json",
  "api/update-request.schema.json",
  "provider-configurations.schema.json",
]) {
  ajv.addSchema(load(name));
}

const byId = <T>(id: string): ValidateFunction<T> => {
  const validate = ajv.getSchema<T>(`https://telephony-config.dev/schemas/${id}`);
  if (!validate) throw new Error(`schema ${id} is not loaded`);
  return validate;
};

export const validateConfiguration = byId<ProviderConfiguration>("api/configuration.schema.json");
export const validateCreateRequest = byId<CreateConfigurationInput>("api/create-request.schema.json");
export const validateUpdateRequest = byId<UpdateConfigurationInput>("api/update-request.schema.json");

const DECLARATIONS = "https://telephony-config.dev/schemas/provider-configurations.schema.json";
export const validateDeclarationsFile = byId<unknown>("provider-configurations.schema.json");
const byDefinition = (name: string): ValidateFunction => {
  const validate = ajv.getSchema(`${DECLARATIONS}#/$defs/${name}`);
  if (!validate) throw new Error(`schema provider-configurations.schema.json#/$defs/${name} is not loaded`);
  return validate;
};
export const validateResourceArgs = byDefinition("resourceArgs");
/** A resolved baseUrl or sipUrl: the declarations' schema also takes one that starts with a reference. */
export const validateBaseUrl = byDefinition("baseUrl");
export const validateSipUrl = byDefinition("sipUrl");

/** Ajv's errors as `{field: [reason, ...]}`, the shape of the API's 400 answers. */
export function fieldErrors(errors: ErrorObject[] | null | undefined): Record<string, string[]> {
  // A Map: a field may be named "constructor" or "__proto__".
  const out = new Map<string, string[]>();
  for (const e of errors ?? []) {
    let field = e.instancePath.replace(/^\//, "").replaceAll("/", ".");
    let reason = e.message ?? "is invalid";
    if (e.keyword === "additionalProperties") {
      field = [field, String(e.params.additionalProperty)].filter(Boolean).join(".");
      reason = "is not a writable field";
    } else if (e.keyword === "required") {
      field = [field, String(e.params.missingProperty)].filter(Boolean).join(".");
      reason = "is required";
    }
    const key = field || "(body)";
    out.set(key, [...(out.get(key) ?? []), reason]);
  }
  return Object.fromEntries(out);
}
