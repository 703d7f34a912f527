// "These two configurations differ": the one comparison, field by field as configuration.ts describes
// them (an unset value is the API's default, null is "", meta's order does not count, an undeclared
// secret is not compared). The provider's diff, drift, create-once and the declarations' twin check use
// it, so that they never disagree. Pure.
import type { CreateConfigurationInput, Configuration } from "../client/contract.js";
import {
  DECLARED_FIELDS,
  SECRET_INPUTS,
  type ConfigurationInputs,
  type ConfigurationOutputs,
  type DeclaredField,
  type DeclaredValues,
  type Field,
  type ReplacingField,
  type SecretInput,
} from "./configuration.js";
import { fromCreateBody, normalised, toOutputs } from "./mapping.js";

export type DifferingField = DeclaredField;

export interface Difference {
  field: DifferingField;
  declared: unknown;
  live: unknown;
}

const same = (field: Field, a: unknown, b: unknown): boolean =>
  field.kind === "meta" ? JSON.stringify(a) === JSON.stringify(b) : a === b;

// Replacements first: they decide what the engine does.
const COMPARED = [
  ...DECLARED_FIELDS.filter((f) => "replaces" in f),
  ...DECLARED_FIELDS.filter((f) => !("replaces" in f)),
];

/**
 * Every field in which `live` differs from `desired`, replacements first, each with its normalised
 * values. Secret values are in the result: callers report secrets by name only.
 */
export function differences(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): Difference[] {
  const found: Difference[] = [];
  for (const field of COMPARED) {
    if ("secret" in field && desired[field.name] === undefined) continue;
    const declared = normalised(field, desired[field.name]);
    const was = normalised(field, live[field.name]);
    if (!same(field, was, declared)) found.push({ field: field.name, declared, live: was });
  }
  return found;
}

/** Names of the changed fields, for messages: secrets by name only. */
export function changedFields(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): DifferingField[] {
  return differences(live, desired).map((d) => d.field);
}

const replacing = (field: DifferingField): field is ReplacingField =>
  DECLARED_FIELDS.some((f) => f.name === field && "replaces" in f);

/** The fields that can only change by replacing the configuration. */
export function replacementsFor(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): ReplacingField[] {
  return changedFields(live, desired).filter(replacing);
}

/**
 * Whether `live` holds exactly what POSTing `body` would have made, the ownership mark apart (whose it
 * is, is the mark's question). Every other field counts, declared secrets included (compared here, in
 * memory, never reported); a field the body leaves out must hold the API's default, but for a secret:
 * one the declaration leaves out is not its to compare (a replacement carries the live one over).
 */
export function isCreatedFrom(body: CreateConfigurationInput, live: Configuration): boolean {
  const made: Record<string, unknown> = fromCreateBody(body);
  for (const field of DECLARED_FIELDS)
    if ("secret" in field && (body as unknown as Record<string, unknown>)[field.api] === undefined)
      made[field.name] = undefined;
  return differences(toOutputs(live), made as ConfigurationInputs).length === 0;
}

/**
 * What declared values make live, as a string: equal for two declarations that differ in no field, a
 * secret compared by what it is declared as (an undeclared one differs from any declared one).
 */
export function configurationKey(values: DeclaredValues<unknown>): string {
  return JSON.stringify(DECLARED_FIELDS.map((field) => normalised(field, values[field.name]) ?? null));
}

/**
 * The secrets the state holds but the declaration no longer has: they leave the state (no API call).
 * An empty one, as earlier releases kept for secrets never declared, is no secret to release.
 */
export const releasedSecrets = (
  olds: Partial<Record<SecretInput, unknown>>,
  news: Partial<Record<SecretInput, unknown>>,
): SecretInput[] => SECRET_INPUTS.filter((field) => !!olds[field] && news[field] === undefined);

/** The secrets a declaration leaves out: not managed, so neither compared nor sent. */
export const undeclaredSecrets = (inputs: Partial<Record<SecretInput, unknown>>): SecretInput[] =>
  SECRET_INPUTS.filter((field) => inputs[field] === undefined);
