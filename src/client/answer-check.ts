import { createRequire } from "node:module";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { Configuration } from "./contract.js";

// Only the answer's schema: the client must not load the declarations' YAML validation with it.
// Loaded by package name so that src/ (tests) and dist/src/ (build) find the same file.
const schema = createRequire(import.meta.url)("telephony-config/schemas/api/configuration.schema.json") as object;

/** Whether an answer's configuration is one the contract allows; its `errors` say where it is not. */
export const isConfiguration = new Ajv2020({ allErrors: true, strict: true }).compile<Configuration>(schema);
