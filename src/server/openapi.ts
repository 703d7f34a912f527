import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";
import type { Operation } from "../client/contract.js";

/**
 * The API's contract, api/openapi.yaml, as the server follows it: its operations, the headers each
 * one requires and the schemas of their bodies, taken from the document rather than from the
 * client's own schemas, so that a misreading shared by both sides cannot pass unseen.
 */
export interface DocumentedOperation {
  operationId: Operation;
  method: string;
  /** The path as the document writes it, `{id}` included. */
  path: string;
  requires: { orgHandle: boolean; productId: boolean };
  /** Undefined for an operation that takes no body. */
  validateBody: ValidateFunction | undefined;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}
interface OperationObject {
  operationId: Operation;
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?: { content: { "application/json": { schema: { $ref: string } } } };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject | unknown>>;
  components: { parameters: Record<string, Parameter>; schemas: Record<string, unknown> };
}

// Found through the package's own name, so that src/ (tests) and dist/src/ (build) read the same file.
const packageRoot = dirname(createRequire(import.meta.url).resolve("telephony-config/package.json"));
export const OPENAPI_PATH = join(packageRoot, "api", "openapi.yaml");

const DOCUMENT_ID = "https://telephony-config.dev/api/openapi.yaml";
/** HTTP header names are the same in any case; other parameters' names are not. */
const sameParameter = (a: Parameter, b: Parameter) =>
  a.in === b.in && (a.in === "header" ? a.name.toLowerCase() === b.name.toLowerCase() : a.name === b.name);
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

let operations: readonly DocumentedOperation[] | undefined;

/** The document's operations, read on first use: a CLI command other than serve never pays for it. */
export function documentedOperations(): readonly DocumentedOperation[] {
  operations ??= operationsOf(parse(readFileSync(OPENAPI_PATH, "utf8")) as OpenApiDocument);
  return operations;
}

/** What the server takes from a document: exported for the test that moves parameters between levels. */
export function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  // The document's schemas are checked against OpenAPI 3.1 by its test; checking them again against
  // the meta-schema here would cost more than the rest of the load.
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateSchema: false });
  // The document is not a schema itself: its components are reached by JSON pointer into it.
  ajv.addKeyword("components");
  ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
  const compile = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(`${DOCUMENT_ID}${ref}`);
    if (!validate) throw new Error(`api/openapi.yaml has no schema ${ref}`);
    return validate;
  };
  const resolveParameter = (p: Parameter | { $ref: string }): Parameter =>
    "$ref" in p ? document.components.parameters[p.$ref.replace("#/components/parameters/", "")]! : p;

  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, value]) => {
        const operation = value as OperationObject;
        // A path item's parameters apply to each of its operations; an operation's own of the same name and place win.
        const own = (operation.parameters ?? []).map(resolveParameter);
        const shared = ((item as { parameters?: Array<Parameter | { $ref: string }> }).parameters ?? [])
          .map(resolveParameter)
          .filter((p) => !own.some((o) => sameParameter(o, p)));
        const required = new Set(
          [...shared, ...own].filter((p) => p.in === "header" && p.required).map((p) => p.name.toLowerCase()),
        );
        const body = operation.requestBody?.content["application/json"].schema.$ref;
        return {
          operationId: operation.operationId,
          method: method.toUpperCase(),
          path,
          requires: { orgHandle: required.has("org-handle"), productId: required.has("product-id") },
          validateBody: body === undefined ? undefined : compile(body),
        };
      }),
  );
}
