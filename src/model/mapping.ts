// Between the resource's camelCased inputs and outputs and the API's objects, field by field as
// configuration.ts describes them. Pure.
import type { CreateConfigurationInput, MetaEntry, Configuration } from "../client/contract.js";
import {
  DECLARED_FIELDS,
  FIELDS,
  SECRET_INPUTS,
  type ConfigurationInputs,
  type ConfigurationOutputs,
  type DeclaredValues,
  type Field,
  type SecretInput,
} from "./configuration.js";
import { markEntry, markValueOf, withoutMark, type Mark } from "./ownership.js";

/** meta_json as a map with sorted keys: its order is not meaningful. */
export function metaMap(entries: MetaEntry[] | Record<string, string> | undefined): Record<string, string> {
  const pairs = Array.isArray(entries)
    ? entries.map((e) => [e.meta_key, e.meta_value] as const)
    : Object.entries(entries ?? {});
  return Object.fromEntries([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const metaEntries = (meta: Record<string, string> | undefined): MetaEntry[] =>
  Object.entries(metaMap(meta)).map(([meta_key, meta_value]) => ({ meta_key, meta_value }));

/** A field's value as the resource sees it, from the API's: null as "", meta without the mark, sorted. */
function fromApi(field: Field, value: unknown): unknown {
  if (field.kind === "meta") return metaMap(withoutMark(value as MetaEntry[] | undefined));
  return field.nullable ? (value ?? "") : value;
}

/** A field's value as compared and sent: an unset one as the API's default, meta sorted. */
export function normalised(field: Field, value: unknown): unknown {
  if (field.kind === "meta") return metaMap(value as Record<string, string> | undefined);
  return value ?? field.unset;
}

/** A normalised value as the API takes it. */
export const toApi = (field: Field, value: unknown): unknown =>
  field.emptyAsNull && value === ""
    ? null
    : field.kind === "meta"
      ? metaEntries(value as Record<string, string>)
      : value;

const ALL_SECRETS = Object.fromEntries(SECRET_INPUTS.map((field) => [field, true]));

/**
 * The live configuration as the resource's outputs. `managed` names the secrets the declaration
 * holds: only those are kept (in state, as secrets); the others are not the resource's to know.
 */
export function toOutputs(
  c: Configuration,
  managed: Partial<Record<SecretInput, unknown>> = ALL_SECRETS,
): ConfigurationOutputs {
  const outputs: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if ("secret" in field && managed[field.name] === undefined) continue;
    outputs[field.name] = fromApi(field, c[field.api]);
  }
  const mark = markValueOf(c.meta_json);
  if (mark !== undefined) outputs.mark = mark;
  return outputs as ConfigurationOutputs;
}

/**
 * What a create body declares, in the resource's terms. A field the body leaves out is the API's
 * default: an unsent secret is "" (it must hold the default for the configuration to be this create's).
 */
export function fromCreateBody(body: CreateConfigurationInput): DeclaredValues {
  const values: Record<string, unknown> = {};
  for (const field of DECLARED_FIELDS) values[field.name] = fromApi(field, body[field.api]);
  return values as DeclaredValues;
}

/**
 * The POST body for a declaration, with the ownership mark when there is one. An undeclared secret is
 * not sent: the API keeps its own default.
 */
export function toCreateBody(inputs: ConfigurationInputs, mark?: Mark): CreateConfigurationInput {
  const body: Record<string, unknown> = {};
  for (const field of DECLARED_FIELDS) {
    const value = inputs[field.name];
    if ("secret" in field && value === undefined) continue;
    body[field.api] = toApi(field, normalised(field, value));
  }
  if (mark) body.meta_json = [...(body.meta_json as MetaEntry[]), markEntry(mark)];
  return body as unknown as CreateConfigurationInput;
}

/** Declared values with each declared secret as `resolve` gives it (left out when it gives undefined). */
export function withSecrets<S, T>(
  values: DeclaredValues<S>,
  resolve: (secret: S, field: SecretInput) => T | undefined,
): DeclaredValues<T> {
  const resolved: Record<string, unknown> = {};
  for (const field of DECLARED_FIELDS) {
    const value = values[field.name];
    if (value === undefined) continue;
    const result = "secret" in field ? resolve(value as S, field.name) : value;
    if (result !== undefined) resolved[field.name] = result;
  }
  return resolved as DeclaredValues<T>;
}
